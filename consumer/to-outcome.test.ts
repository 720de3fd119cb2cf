import { describe, expect, it } from 'vitest';
import type { RawEventMessage } from '../api/raw-event-message.js';
import { createUserAgentParser } from './enrich/user-agent.js';
import { visitorId } from './enrich/visitor.js';
import type { SourcePosition } from './outcome.js';
import { parseRawMessage, saltDay, toOutcome } from './to-outcome.js';

const ANDROID_CHROME =
  'Mozilla/5.0 (Linux; Android 7.1.1; SM-J700T1) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/78.0.3882.0 Mobile Safari/537.36';
const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';
const EVENT_ID = '0b8f5e1c-3a7d-4c2e-9f10-5d6e7f8a9b0c';
const SALT = 'ab'.repeat(32);

const message = (overrides: Partial<RawEventMessage> = {}, event: Partial<RawEventMessage['event']> = {}) =>
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
  }) as RawEventMessage;

const source: SourcePosition = { partition: 3, offset: '12345', key: null, value: null };
const deps = () => ({ userAgents: createUserAgentParser({ cacheSize: 10 }), maxEventAgeMs: 30 * 86_400_000 });

/** The row of an outcome that must be a row. */
function rowOf(m: RawEventMessage) {
  const outcome = toOutcome(m, source, deps(), SALT);
  if (outcome.kind !== 'row') throw new Error(`expected a row, got ${JSON.stringify(outcome)}`);
  expect(outcome.source).toBe(source);
  return outcome.row;
}

describe('parseRawMessage', () => {
  const bytes = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

  it('accepts a v1 message', () => {
    const m = message();
    expect(parseRawMessage(bytes(m))).toEqual({ ok: true, message: m });
  });

  it.each([
    ['an empty value', null, 'invalid_message', 'empty value'],
    ['bytes that are not JSON', bytes('{not json'), 'invalid_json', expect.stringContaining('JSON')],
    ['a JSON string', bytes('"hello"'), 'invalid_message', 'not an object'],
    ['JSON null', bytes('null'), 'invalid_message', 'not an object'],
    ['another version', bytes({ ...message(), v: 2 }), 'invalid_message', 'unsupported version 2'],
    ['no site', bytes({ ...message(), site_id: '' }), 'invalid_message', 'site_id missing'],
    [
      'a bad receive time',
      bytes({ ...message(), received_at: 'yesterday' }),
      'invalid_message',
      'received_at missing or invalid',
    ],
    ['no event', bytes({ ...message(), event: null }), 'invalid_message', 'event missing'],
    [
      'an event id that is not a UUID',
      bytes(message({}, { event_id: 'nope' })),
      'invalid_message',
      'event.event_id is not a UUID',
    ],
    ['no event type', bytes(message({}, { type: '' })), 'invalid_message', 'event.type missing'],
  ])('refuses %s, saying why', (_what, value, code, detail) => {
    expect(parseRawMessage(value)).toEqual({ ok: false, reason: { code, detail } });
  });
});

describe('saltDay', () => {
  it("is the UTC day the server received the event, whatever the client's clock says", () => {
    expect(
      saltDay(message({ received_at: '2024-03-07T23:59:59.999Z' }, { created_at: '2024-03-09T10:00:00.000Z' })),
    ).toBe('2024-03-07');
    expect(saltDay(message({ received_at: '2024-03-08T00:00:00.000Z' }))).toBe('2024-03-08');
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
      ts: '2024-03-07 12:00:05.000',
      site_date: '2024-03-07', // no zone in the message: UTC
      received_at: '2024-03-07 12:00:10.000',
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
    const other = toOutcome(m, source, deps(), 'cd'.repeat(32));
    expect(other.kind === 'row' && other.row.visitor_id).not.toBe(row.visitor_id);
  });

  it("falls back to the request's User-Agent, and flags bots", () => {
    expect(rowOf(message({ request_ua: ANDROID_CHROME })).browser).toBe('Chrome');
    const bot = rowOf(message({}, { user_agent: GOOGLEBOT }));
    expect(bot).toMatchObject({ is_bot: true, device_type: 'bot' });
  });

  it('without a client time, the event happened when it was received', () => {
    expect(rowOf(message()).ts).toBe('2024-03-07 12:00:10.000');
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
