import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { correctEventTime, parseIsoMs, type EventTimeInput } from './event-time.js';

const RECEIVED = '2024-03-07T12:00:00.000Z';

describe('correctEventTime', () => {
  it.each<[string, Omit<EventTimeInput, 'receivedAt'>, string, number]>([
    // [case, client times, expected ts, expected skewMs]
    [
      'clock in sync',
      { createdAt: '2024-03-07T11:59:58.000Z', sentAt: '2024-03-07T12:00:00.000Z' },
      '2024-03-07T11:59:58.000Z',
      0,
    ],
    [
      'client 1h behind',
      { createdAt: '2024-03-07T10:59:58.000Z', sentAt: '2024-03-07T11:00:00.000Z' },
      '2024-03-07T11:59:58.000Z',
      3_600_000,
    ],
    [
      'client 1h ahead',
      { createdAt: '2024-03-07T12:59:58.000Z', sentAt: '2024-03-07T13:00:00.000Z' },
      '2024-03-07T11:59:58.000Z',
      -3_600_000,
    ],
    [
      'client years off',
      { createdAt: '1999-12-31T23:59:00.000Z', sentAt: '2000-01-01T00:00:00.000Z' },
      '2024-03-07T11:59:00.000Z',
      Date.parse(RECEIVED) - Date.parse('2000-01-01T00:00:00Z'),
    ],
    [
      'queued offline 2 days, clock in sync',
      { createdAt: '2024-03-05T12:00:00.000Z', sentAt: '2024-03-07T12:00:00.000Z' },
      '2024-03-05T12:00:00.000Z',
      0,
    ],
    [
      'network latency counts as skew',
      { createdAt: '2024-03-07T11:59:59.000Z', sentAt: '2024-03-07T11:59:59.700Z' },
      '2024-03-07T11:59:59.300Z',
      300,
    ],
    // sentAt missing or invalid: no correction
    ['sentAt missing', { createdAt: '2024-03-07T11:00:00.000Z' }, '2024-03-07T11:00:00.000Z', 0],
    ['sentAt invalid', { createdAt: '2024-03-07T11:00:00.000Z', sentAt: 'yesterday' }, '2024-03-07T11:00:00.000Z', 0],
    ['sentAt empty', { createdAt: '2024-03-07T11:00:00.000Z', sentAt: '' }, '2024-03-07T11:00:00.000Z', 0],
    // createdAt missing or invalid: received_at; skew still measured
    ['createdAt missing', {}, RECEIVED, 0],
    ['createdAt missing, sentAt given', { sentAt: '2024-03-07T11:00:00.000Z' }, RECEIVED, 3_600_000],
    ['createdAt invalid', { createdAt: 'not a date', sentAt: '2024-03-07T12:00:00.000Z' }, RECEIVED, 0],
    ['createdAt loose form V8 would accept', { createdAt: 'March 7, 2024' }, RECEIVED, 0],
    ['createdAt a bare number', { createdAt: '1' }, RECEIVED, 0],
    ['createdAt impossible month', { createdAt: '2024-13-01T00:00:00Z' }, RECEIVED, 0],
    ['createdAt a number (bad validation upstream)', { createdAt: 1709805600000 as unknown as string }, RECEIVED, 0],
    // future: clamped to received_at
    ['future createdAt, no sentAt', { createdAt: '2030-01-01T00:00:00.000Z' }, RECEIVED, 0],
    [
      'createdAt after sentAt',
      { createdAt: '2024-03-07T12:00:05.000Z', sentAt: '2024-03-07T12:00:00.000Z' },
      RECEIVED,
      0,
    ],
    // accepted ISO forms
    ['offset +01:00', { createdAt: '2024-03-07T12:30:00+01:00' }, '2024-03-07T11:30:00.000Z', 0],
    ['offset -0530', { createdAt: '2024-03-07T05:00:00-0530' }, '2024-03-07T10:30:00.000Z', 0],
    ['no offset = UTC', { createdAt: '2024-03-07T11:00:00' }, '2024-03-07T11:00:00.000Z', 0],
    ['no seconds', { createdAt: '2024-03-07T11:00Z' }, '2024-03-07T11:00:00.000Z', 0],
    ['space separator (ClickHouse style)', { createdAt: '2024-03-07 11:00:00.250' }, '2024-03-07T11:00:00.250Z', 0],
    ['microseconds truncated to ms', { createdAt: '2024-03-07T11:00:00.123456Z' }, '2024-03-07T11:00:00.123Z', 0],
  ])('%s', (_name, client, ts, skewMs) => {
    const r = correctEventTime({ ...client, receivedAt: RECEIVED });
    expect(r.ts.toISOString()).toBe(ts);
    expect(r.skewMs).toBe(skewMs);
  });

  it.each([
    // [createdAt, maxAgeMs, expected ts]
    ['1970-01-01T00:00:00Z', 7 * 86_400_000, RECEIVED],
    ['2024-03-01T12:00:00Z', 7 * 86_400_000, '2024-03-01T12:00:00.000Z'],
    ['2024-02-29T12:00:00Z', 7 * 86_400_000, '2024-02-29T12:00:00.000Z'], // exactly 7 days: kept
    ['2024-02-29T11:59:59Z', 7 * 86_400_000, RECEIVED],
    ['1970-01-01T00:00:00Z', undefined, '1970-01-01T00:00:00.000Z'],
  ])('maxAgeMs: createdAt %s with maxAgeMs %s → %s', (createdAt, maxAgeMs, ts) => {
    expect(correctEventTime({ createdAt, receivedAt: RECEIVED }, { maxAgeMs }).ts.toISOString()).toBe(ts);
  });

  it.each(['', 'garbage', '2024-03-07'])('throws on an invalid receivedAt %j', (receivedAt) => {
    expect(() => correctEventTime({ receivedAt })).toThrow(RangeError);
  });

  it('is never after receivedAt, whatever the client says', () => {
    const isoish = fc
      .date({ min: new Date('1900-01-01'), max: new Date('2200-01-01'), noInvalidDate: true })
      .map((d) => d.toISOString());
    fc.assert(
      fc.property(fc.option(isoish, { nil: undefined }), fc.option(isoish, { nil: undefined }), (createdAt, sentAt) => {
        const r = correctEventTime({ createdAt, sentAt, receivedAt: RECEIVED });
        expect(r.ts.getTime()).toBeLessThanOrEqual(Date.parse(RECEIVED));
        expect(Number.isFinite(r.skewMs)).toBe(true);
      }),
    );
  });
});

describe('parseIsoMs', () => {
  it.each([
    ['2024-03-07T12:00:00Z', Date.UTC(2024, 2, 7, 12)],
    ['2024-03-07T12:00:00.5Z', Date.UTC(2024, 2, 7, 12, 0, 0, 500)],
    ['2024-03-07T12:00:00+00:00', Date.UTC(2024, 2, 7, 12)],
    ['2024-03-07T12:00:00', Date.UTC(2024, 2, 7, 12)],
    ['2024-03-07T12:00', Date.UTC(2024, 2, 7, 12)],
    ['2024-03-07', Number.NaN],
    ['2024-03-07T12:00:00ZZ', Number.NaN],
    ['2024-03-07T25:00:00Z', Number.NaN],
    [' 2024-03-07T12:00:00Z', Number.NaN],
    ['', Number.NaN],
    [undefined, Number.NaN],
  ])('%j → %d', (input, expected) => {
    expect(parseIsoMs(input)).toBe(expected);
  });
});
