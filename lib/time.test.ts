import { describe, expect, it } from 'vitest';
import { clickHouseTime, utcDay } from './time.js';

describe('utcDay', () => {
  it.each([
    ['2024-03-07T00:00:00.000Z', '2024-03-07'],
    ['2024-03-07T23:59:59.999Z', '2024-03-07'],
    // a local-time offset that crosses midnight lands on the UTC day
    ['2024-03-07T23:30:00-02:00', '2024-03-08'],
    ['2024-03-08T00:30:00+02:00', '2024-03-07'],
    ['2024-02-29T12:00:00Z', '2024-02-29'],
    ['1970-01-01T00:00:00Z', '1970-01-01'],
  ])('%s → %s', (iso, day) => {
    expect(utcDay(new Date(iso))).toBe(day);
  });

  it('refuses an invalid Date', () => {
    expect(() => utcDay(new Date('nope'))).toThrow(RangeError);
  });
});

describe('clickHouseTime', () => {
  it.each([
    ['2024-03-07T10:11:12.345Z', '2024-03-07 10:11:12.345'],
    ['2024-03-07T23:30:00-02:00', '2024-03-08 01:30:00.000'],
    ['1970-01-01T00:00:00Z', '1970-01-01 00:00:00.000'],
  ])('%s → %s (UTC, milliseconds, no zone suffix)', (iso, text) => {
    expect(clickHouseTime(new Date(iso))).toBe(text);
  });

  it('refuses an invalid Date', () => {
    expect(() => clickHouseTime(new Date('nope'))).toThrow(RangeError);
  });
});
