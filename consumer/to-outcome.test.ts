import { describe, expect, it } from 'vitest';
import { saltDayOf } from '../lib/salt-day.js';
import { visitorId } from '../lib/visitor-id.js';
import { encodeV1Record, encodeV2Record, parseRawRecord, type RawEventMessageV1 } from '../lib/wire/index.js';
import { createPageCache } from './enrich/page-cache.js';
import { createUserAgentParser } from './enrich/user-agent.js';
import type { SourcePosition } from './outcome.js';
import { createRecordOutcomes } from './record-outcomes.js';
import { requestContext, toOutcome } from './to-outcome.js';

const ANDROID_CHROME =
  'Mozilla/5.0 (Linux; Android 7.1.1; SM-J700T1) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/78.0.3882.0 Mobile Safari/537.36';
const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';
const EVENT_ID = '0b8f5e1c-3a7d-4c2e-9f10-5d6e7f8a9b0c';
const SALT = 'ab'.repeat(32);

/** A v1 record's message (what an older API wrote: the IP in the clear). */
const message = (overrides: Partial<RawEventMessageV1> = {}, event: Partial<RawEventMessageV1['event']> = {}) =>
  ({
    v: 1,
    site_id: 'shop',
    event: { event_id: EVENT_ID, type: 'click', payload: {}, extra: {}, ...event },
    received_at: '2024-03-07T12:00:10.000Z',
    sent_at: null,
    ip: '203.0.113.7',
    request_ua: null,
    request_id: 'req-1',
    ...overrides,
  }) as RawEventMessageV1;

const source: SourcePosition = { partition: 3, offset: '12345', key: null, value: null };
const deps = () => ({
  userAgents: createUserAgentParser({ cacheSize: 10 }),
  pages: createPageCache(),
  maxEventAgeMs: 30 * 86_400_000,
});

/** The outcome of the one event of a v1 message, as the consumer makes it. */
function toOutcomeOf(m: RawEventMessageV1, salt = SALT) {
  const parsed = parseRawRecord(Buffer.from(JSON.stringify(m)));
  if (!parsed.ok) throw new Error(parsed.reason.detail);
  const [request] = parsed.record.requests;
  return toOutcome(request!.events[0]!, requestContext(request!.facts, source, salt), deps());
}

/** The row of an outcome that must be a row. */
function rowOf(m: RawEventMessageV1) {
  const outcome = toOutcomeOf(m);
  if (outcome.kind !== 'row') throw new Error(`expected a row, got ${JSON.stringify(outcome)}`);
  expect(outcome.source).toBe(source);
  return outcome.row;
}

describe('saltDayOf', () => {
  it("is the UTC day the server received the event, whatever the client's clock says", () => {
    expect(saltDayOf(Date.parse('2024-03-07T23:59:59.999Z'), undefined)).toBe('2024-03-07');
    expect(saltDayOf(Date.parse('2024-03-08T00:00:00.000Z'), undefined)).toBe('2024-03-08');
  });
});

describe('records → outcomes', () => {
  const recordOutcomes = createRecordOutcomes({ ...deps(), salts: { forDay: async () => SALT } });
  const facts = {
    site_id: 'shop',
    received_at: '2024-03-07T12:00:10.000Z',
    sent_at: null,
    request_ua: ANDROID_CHROME,
    request_id: 'req-2',
    visitor_hash: 'fedcba9876543210fedcba9876543210',
  };

  it('v2: every event of a record is a row with the hash the API made, and the record position', async () => {
    const events = [1, 2, 3].map((i) => ({
      event_id: `0b8f5e1c-3a7d-4c2e-9f10-5d6e7f8a9b0${i}`,
      type: 'pageview',
      payload: {},
      extra: {},
    }));
    const value = Buffer.from(encodeV2Record(facts, events));
    const { outcomes, bytes } = await recordOutcomes(3, [{ offset: '7', key: null, value } as never]);
    expect(bytes).toBe(value.length);
    expect(outcomes.map((o) => o.kind)).toEqual(['row', 'row', 'row']);
    for (const o of outcomes) {
      if (o.kind !== 'row') continue;
      expect(o.row).toMatchObject({ visitor_id: facts.visitor_hash, browser: 'Chrome', kafka_offset: '7' });
      expect(o.source).toBe(outcomes[0]!.source); // one source object per record
    }
  });

  it('v1: one row, the IP hashed with the salt of its day', async () => {
    const { key, value } = encodeV1Record({ ...message({ request_ua: ANDROID_CHROME }) });
    const { outcomes } = await recordOutcomes(0, [
      { offset: '1', key: Buffer.from(key), value: Buffer.from(value) } as never,
    ]);
    expect(outcomes).toHaveLength(1);
    const [o] = outcomes;
    expect(o!.kind === 'row' && o!.row.visitor_id).toBe(
      visitorId({ salt: SALT, siteId: 'shop', ip: '203.0.113.7', userAgent: ANDROID_CHROME }),
    );
  });

  it('a bad event of a v2 record is a dead letter holding it alone; the others are rows', async () => {
    const good = { event_id: EVENT_ID, type: 'click', payload: {}, extra: {} };
    const value = Buffer.from(encodeV2Record(facts, [good, { ...good, url: 42 } as never, good]));
    const { outcomes } = await recordOutcomes(0, [{ offset: '3', key: null, value } as never]);
    expect(outcomes.map((o) => o.kind).sort()).toEqual(['dlq', 'row', 'row']);
    const letter = outcomes.find((o) => o.kind === 'dlq')!;
    if (letter.kind !== 'dlq') throw new Error('unreachable');
    expect(letter.reason).toEqual({ code: 'invalid_message', detail: 'event.url is not a string' });
    const alone = parseRawRecord(Buffer.from(letter.value!));
    expect(alone.ok && alone.record.requests[0]!.invalid.map((i) => i.raw)).toEqual([{ ...good, url: 42 }]);
  });

  it('an unreadable record is one dead letter, its bytes as they were', async () => {
    const value = Buffer.from('{not json');
    const { outcomes } = await recordOutcomes(0, [{ offset: '4', key: null, value } as never]);
    expect(outcomes).toEqual([
      {
        kind: 'dlq',
        reason: { code: 'invalid_json', detail: expect.stringContaining('JSON') },
        source: expect.anything(),
      },
    ]);
    expect(outcomes[0]!.kind === 'dlq' && outcomes[0]!.value).toBeUndefined();
  });
});

describe('toOutcome', () => {
  it('normalizes and enriches a full event into one row', () => {
    const row = rowOf(
      message(
        { sent_at: '2024-03-07T12:00:00.000Z', request_ua: 'curl/8' },
        {
          session_id: 's-1',
          user_id: '1001',
          url: 'https://shop.example/catalog?foo=bar&utm_source=newsletter&utm_medium=email&gclid=abc',
          referrer: 'https://mail.google.com/',
          // The client clock is 10 s behind (sent 12:00:00, received 12:00:10): corrected.
          created_at: '2024-03-07T11:59:55.000Z',
          user_agent: ANDROID_CHROME,
          payload: { event_title: 'checkout', element_id: '#submit', x: 445.4, y: 315, plan: 'pro' },
        },
      ),
    );
    expect(row).toEqual({
      event_id: EVENT_ID,
      site_id: 'shop',
      type: 'click',
      session_id: 's-1',
      user_id: '1001',
      anonymous_id: '',
      visitor_id: 'u:1001',
      ts: Date.parse('2024-03-07T12:00:05.000Z'),
      site_date: '2024-03-07', // no zone in the message: UTC
      received_at: Date.parse('2024-03-07T12:00:10.000Z'),
      url: 'https://shop.example/catalog?foo=bar&utm_source=newsletter&utm_medium=email&gclid=abc',
      host: 'shop.example',
      path: '/catalog',
      query: 'foo=bar&utm_source=newsletter&utm_medium=email&gclid=abc',
      referrer: 'https://mail.google.com/',
      referrer_domain: 'mail.google.com',
      // An ad click id makes the visit paid, whatever utm_medium says.
      channel: 'paid',
      utm_source: 'newsletter',
      utm_medium: 'email',
      utm_campaign: '',
      utm_term: '',
      utm_content: '',
      click_id_type: 'gclid',
      click_id: 'abc',
      element_id: '#submit',
      event_title: 'checkout',
      x: 445,
      y: 315,
      browser: 'Chrome',
      browser_version: '78',
      os: 'Android',
      device_type: 'mobile',
      is_bot: false,
      properties: { plan: 'pro' },
      kafka_partition: 3,
      kafka_offset: '12345',
    });
  });

  it('an anonymous visitor gets the daily-salted hash, and the IP is in no column', () => {
    const m = message({ request_ua: ANDROID_CHROME });
    const row = rowOf(m);
    expect(row.visitor_id).toBe(
      visitorId({ salt: SALT, siteId: 'shop', ip: '203.0.113.7', userAgent: ANDROID_CHROME }),
    );
    expect(row.visitor_id).toMatch(/^[0-9a-f]{32}$/);
    expect(JSON.stringify(row)).not.toContain('203.0.113.7');
    // Another day's salt, another visitor.
    const other = toOutcomeOf(m, 'cd'.repeat(32));
    expect(other.kind === 'row' && other.row.visitor_id).not.toBe(row.visitor_id);
  });

  it("falls back to the request's User-Agent, and flags bots", () => {
    expect(rowOf(message({ request_ua: ANDROID_CHROME })).browser).toBe('Chrome');
    const bot = rowOf(message({}, { user_agent: GOOGLEBOT }));
    expect(bot).toMatchObject({ is_bot: true, device_type: 'bot' });
  });

  it('without a client time, the event happened when it was received', () => {
    expect(rowOf(message()).ts).toBe(Date.parse('2024-03-07T12:00:10.000Z'));
  });

  it('a relative URL and no referrer leave the page columns empty, not invalid', () => {
    const row = rowOf(message({}, { url: undefined, referrer: undefined }));
    expect(row).toMatchObject({ url: '', host: '', path: '', referrer: '', referrer_domain: '', click_id_type: '' });
    expect(row.x).toBeNull();
  });

  it('unknown top-level fields join the properties; payload keys win a clash', () => {
    const row = rowOf(message({}, { payload: { plan: 'pro' }, extra: { plan: 'free', locale: 'de', flags: [1, 2] } }));
    expect(row.properties).toEqual({ plan: 'pro', locale: 'de', flags: '[1,2]' });
  });
});
