/**
 * The site's zone in a raw message decides the visitor salt's day (salts rotate at the
 * site's local midnight) and the event's site_date; no zone, or one this runtime does not
 * know, means UTC.
 */
import { describe, expect, it } from 'vitest';
import type { RawEventMessage } from '../api/raw-event-message.js';
import { createLocalDayCache } from '../lib/time-zones.js';
import { createUserAgentParser } from './enrich/user-agent.js';
import { saltDay, toOutcome } from './to-outcome.js';

function message(receivedAt: string, createdAt: string, timezone?: string): RawEventMessage {
  return {
    v: 1,
    site_id: 'shop',
    event: { event_id: crypto.randomUUID(), type: 'pageview', created_at: createdAt, payload: {}, extra: {} },
    received_at: receivedAt,
    sent_at: null,
    ip: '198.51.100.7',
    request_ua: null,
    request_id: 'r',
    ...(timezone ? { timezone } : {}),
  };
}

const deps = {
  userAgents: createUserAgentParser({ cacheSize: 10 }),
  maxEventAgeMs: 30 * 86_400_000,
  localDay: createLocalDayCache(),
};

describe('site-local days in the consumer', () => {
  it.each([
    // received at, zone, salt day
    ['2024-05-09T20:59:59.999Z', 'Europe/Moscow', '2024-05-09'],
    ['2024-05-09T21:00:00.000Z', 'Europe/Moscow', '2024-05-10'], // Moscow midnight: the next salt
    ['2024-05-09T21:00:00.000Z', undefined, '2024-05-09'],
    ['2024-05-09T18:30:00.000Z', 'Asia/Kolkata', '2024-05-10'],
    ['2024-05-09T21:00:00.000Z', 'Nowhere/Special', '2024-05-09'], // unknown zone: UTC
  ])('a message received %s in %s takes the salt of %s', (receivedAt, zone, day) => {
    expect(saltDay(message(receivedAt, receivedAt, zone), deps)).toBe(day);
  });

  it("stamps site_date, the event time's local date, and salts by the local day of receipt", () => {
    const m = message('2024-05-10T21:30:00.000Z', '2024-05-10T20:30:00.000Z', 'Europe/Moscow');
    const source = { partition: 0, offset: '1', key: null, value: null };
    const outcome = toOutcome(m, source, deps, 'salt-of-may-11');
    expect(outcome.kind === 'row' && outcome.row.site_date).toBe('2024-05-10'); // 23:30 Moscow
    expect(saltDay(m, deps)).toBe('2024-05-11'); // received at 00:30 Moscow
  });
});
