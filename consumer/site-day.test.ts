/**
 * The site's zone in a raw record decides the visitor salt's day (salts rotate at the
 * site's local midnight) and the event's site_date; no zone, or one this runtime does not
 * know, means UTC.
 */
import { describe, expect, it } from 'vitest';
import { saltDayOf } from '../lib/salt-day.js';
import { createLocalDayCache } from '../lib/time-zones.js';
import { encodeV2Record, parseRawRecord } from '../lib/wire/index.js';
import { createPageCache } from './enrich/page-cache.js';
import { createUserAgentParser } from './enrich/user-agent.js';
import { requestContext, toOutcome } from './to-outcome.js';

const deps = {
  userAgents: createUserAgentParser({ cacheSize: 10 }),
  pages: createPageCache(),
  maxEventAgeMs: 30 * 86_400_000,
  localDay: createLocalDayCache(),
};

describe('site-local days', () => {
  it.each([
    // received at, zone, salt day
    ['2024-05-09T20:59:59.999Z', 'Europe/Moscow', '2024-05-09'],
    ['2024-05-09T21:00:00.000Z', 'Europe/Moscow', '2024-05-10'], // Moscow midnight: the next salt
    ['2024-05-09T21:00:00.000Z', undefined, '2024-05-09'],
    ['2024-05-09T18:30:00.000Z', 'Asia/Kolkata', '2024-05-10'],
    ['2024-05-09T21:00:00.000Z', 'Nowhere/Special', '2024-05-09'], // unknown zone: UTC
  ])('an event received %s in %s takes the salt of %s', (receivedAt, zone, day) => {
    expect(saltDayOf(Date.parse(receivedAt), zone, deps.localDay)).toBe(day);
    expect(saltDayOf(Date.parse(receivedAt), zone)).toBe(day); // the same without the cache
  });

  it("stamps site_date, the event time's local date, from the record's zone", () => {
    const value = encodeV2Record(
      {
        site_id: 'shop',
        received_at: '2024-05-10T21:30:00.000Z',
        sent_at: null,
        request_ua: null,
        request_id: 'r',
        visitor_hash: '0123456789abcdef0123456789abcdef',
        timezone: 'Europe/Moscow',
      },
      [
        {
          event_id: crypto.randomUUID(),
          type: 'pageview',
          created_at: '2024-05-10T20:30:00.000Z',
          payload: {},
          extra: {},
        },
      ],
    );
    const parsed = parseRawRecord(Buffer.from(value));
    if (!parsed.ok) throw new Error(parsed.reason.detail);
    const [request] = parsed.record.requests;
    const source = { partition: 0, offset: '1', key: null, value: null };
    const outcome = toOutcome(request!.events[0]!, requestContext(request!.facts, source), deps);
    expect(outcome.kind === 'row' && outcome.row.site_date).toBe('2024-05-10'); // 23:30 Moscow
    expect(saltDayOf(Date.parse('2024-05-10T21:30:00.000Z'), 'Europe/Moscow')).toBe('2024-05-11'); // received 00:30 Moscow
  });
});
