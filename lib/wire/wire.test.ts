import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assembleRecord,
  encodeRequestParts,
  encodeV1Record,
  groupParts,
  parseRawRecord,
  type ParsedRecord,
  type RecordEvent,
  type RequestFactsV2,
  singleEventRecord,
} from './index.js';

const FACTS: RequestFactsV2 = {
  site_id: 'shop',
  received_at: '2025-06-01T12:00:00.000Z',
  sent_at: '2025-06-01T11:59:59.000Z',
  request_ua: 'Mozilla/5.0',
  request_id: 'req-1',
  visitor_hash: '0123456789abcdef0123456789abcdef',
};

const uuid = fc.uuid().map((u) => u.toLowerCase());
const text = fc.string({ maxLength: 40 });
const eventArb: fc.Arbitrary<RecordEvent> = fc.record(
  {
    event_id: uuid,
    type: fc.constantFrom('pageview', 'click', 'impression', 'checkout'),
    session_id: text,
    user_id: text,
    anonymous_id: text,
    url: text,
    referrer: text,
    created_at: fc.constant('2025-06-01T11:59:00.000Z'),
    user_agent: text,
    visitor_hash: fc.constant('fedcba9876543210fedcba9876543210'),
    payload: fc.dictionary(text, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 }),
    extra: fc.dictionary(text, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
  },
  { requiredKeys: ['event_id', 'type', 'payload', 'extra'] },
);
const factsArb: fc.Arbitrary<RequestFactsV2> = fc.record({
  site_id: fc.string({ minLength: 1, maxLength: 20 }),
  received_at: fc.constant('2025-06-01T12:00:00.000Z'),
  sent_at: fc.option(fc.constant('2025-06-01T11:59:59.000Z'), { nil: null }),
  request_ua: fc.option(text, { nil: null }),
  request_id: text,
  visitor_hash: fc.constant('0123456789abcdef0123456789abcdef'),
});

function parse(value: string): ParsedRecord {
  const parsed = parseRawRecord(Buffer.from(value));
  if (!parsed.ok) throw new Error(parsed.reason.detail);
  return parsed.record;
}

/** JSON's view of a value: what survives a trip through a record (-0 becomes 0, well-formed text). */
const viaJson = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

describe('the wire contract', () => {
  it('round-trips any request through the encoder and the parser (v2)', () => {
    fc.assert(
      fc.property(factsArb, fc.array(eventArb, { maxLength: 30 }), (facts, events) => {
        const record = parse(assembleRecord(encodeRequestParts(facts, events, 1 << 20)));
        expect(record.version).toBe(2);
        expect(record.invalidRequests).toEqual([]);
        expect(record.requests).toHaveLength(1);
        const [request] = record.requests;
        expect(request!.invalid).toEqual([]);
        expect(request!.events).toEqual(viaJson(events));
        const { events: _, ...parsedFacts } = request!.facts as RequestFactsV2 & { events: unknown };
        expect(parsedFacts).toEqual(viaJson(facts));
      }),
      { numRuns: 200 },
    );
  });

  it('splits a request over parts no longer than the limit, keeping every event in order', () => {
    fc.assert(
      fc.property(
        fc.array(eventArb, { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 200, max: 5000 }),
        (events, max) => {
          const parts = encodeRequestParts(FACTS, events, max);
          for (const part of parts) {
            // A part is only over the limit when it holds a single event that is over it alone.
            if (part.length > max) expect(parse(assembleRecord([part])).requests[0]!.events).toHaveLength(1);
          }
          const back = parts.flatMap((p) => parse(assembleRecord([p])).requests[0]!.events);
          expect(back).toEqual(viaJson(events));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('groups parts into records within the limit, or one record per part', () => {
    const parts = Array.from(
      { length: 10 },
      (_, i) => encodeRequestParts({ ...FACTS, request_id: `r${i}` }, [], 1e6)[0]!,
    );
    const grouped = groupParts(parts, parts[0]!.length * 3 + 40);
    expect(grouped.length).toBeGreaterThan(1);
    for (const r of grouped) expect(r.length).toBeLessThanOrEqual(parts[0]!.length * 3 + 40 + 40);
    expect(grouped.flatMap((r) => parse(r).requests.map((q) => q.facts.request_id))).toEqual(
      parts.map((_, i) => `r${i}`),
    );
    expect(groupParts(parts, 1e6, 1)).toHaveLength(10);
    expect(groupParts(parts, 1e6)).toHaveLength(1);
  });

  it('reads a v1 record as one request with the IP and no visitor hash', () => {
    const event = { event_id: 'c5f1b1f4-0c36-4f0b-9c39-0d1b0c4b8f00', type: 'click', payload: {}, extra: {} };
    const { key, value } = encodeV1Record({
      site_id: 'shop',
      event,
      received_at: FACTS.received_at,
      sent_at: null,
      ip: '203.0.113.7',
      request_ua: null,
      request_id: 'old',
    });
    expect(key).toBe('shop:203.0.113.7');
    const record = parse(value);
    expect(record.version).toBe(1);
    expect(record.requests[0]!.events).toEqual([event]);
    expect(record.requests[0]!.facts).toMatchObject({ ip: '203.0.113.7', site_id: 'shop' });
    expect(record.requests[0]!.facts.visitor_hash).toBeUndefined();
  });

  it('a dead letter of one event is a record holding that event alone', () => {
    fc.assert(
      fc.property(factsArb, eventArb, (facts, event) => {
        const record = parse(singleEventRecord({ ...facts, events: [event, event] } as RequestFactsV2, event));
        expect(record.requests[0]!.events).toEqual([viaJson(event)]);
      }),
      { numRuns: 50 },
    );
  });

  it.each([
    ['', 'invalid_message: empty value'],
    ['{not json', 'invalid_json'],
    ['[1]', 'invalid_message: not an object'],
    ['{"v":3}', 'invalid_message: unsupported version 3'],
    ['{}', 'invalid_message: unsupported version undefined'],
    ['{"v":2,"requests":{}}', 'invalid_message: requests is not an array'],
    ['{"v":1,"site_id":"s","received_at":"2025-06-01T12:00:00Z","event":{}}', 'invalid_message: ip missing'],
  ])('refuses the whole record %j', (value, reason) => {
    const parsed = parseRawRecord(Buffer.from(value));
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    const [code, detail] = reason.split(': ') as [string, string | undefined];
    expect(parsed.reason.code).toBe(code);
    if (detail !== undefined) expect(parsed.reason.detail).toBe(detail);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a non-UUID event_id', { event_id: 'nope' }, 'event.event_id is not a UUID'],
    ['an empty type', { type: '' }, 'event.type missing'],
    ['a numeric url', { url: 5 }, 'event.url is not a string'],
    ['an object user_id', { user_id: {} }, 'event.user_id is not a string'],
    ['a bad visitor hash', { visitor_hash: 'x' }, 'event.visitor_hash is not 32 hex characters'],
    ['extra as an array', { extra: [] }, 'event.extra is not an object'],
  ])('sets aside an event with %s and keeps its neighbours', (_, override, reason) => {
    const good = { event_id: 'c5f1b1f4-0c36-4f0b-9c39-0d1b0c4b8f00', type: 'click', payload: {}, extra: {} };
    const bad = { ...good, ...override };
    const record = parse(assembleRecord(encodeRequestParts(FACTS, [good, bad as RecordEvent, good], 1e6)));
    expect(record.requests[0]!.events).toEqual([good, good]);
    expect(record.requests[0]!.invalid).toEqual([{ reason: { code: 'invalid_message', detail: reason }, raw: bad }]);
  });

  it('sets aside a request part whose facts are unusable, and reads the other parts', () => {
    const good = encodeRequestParts(FACTS, [], 1e6)[0]!;
    const bad = JSON.stringify({ ...FACTS, visitor_hash: '203.0.113.7', events: [] });
    const record = parse(assembleRecord([bad, good]));
    expect(record.requests).toHaveLength(1);
    expect(record.invalidRequests.map((r) => r.reason)).toEqual([
      { code: 'invalid_message', detail: 'visitor_hash is not 32 hex characters' },
    ]);
  });

  it('repairs lone surrogates in any record, as the API does', () => {
    const value = assembleRecord([JSON.stringify({ ...FACTS, events: [] }).replace('"req-1"', '"req\\ud800"')]);
    expect(parse(value).requests[0]!.facts.request_id).toBe('req\ufffd');
  });
});
