import { describe, expect, it } from 'vitest';
import { addDays, createLocalDayCache, localDayOf, localDayStart, mondayOf, parseTimeZone } from './time-zones.js';

describe('parseTimeZone', () => {
  it.each([
    ['Europe/Moscow', 'Europe/Moscow'],
    ['europe/moscow', 'Europe/Moscow'],
    ['UTC', 'UTC'],
    ['Etc/UTC', 'UTC'],
    [' Asia/Kolkata ', 'Asia/Kolkata'],
  ])('%j → %j', (input, expected) => {
    expect(parseTimeZone(input)).toBe(expected);
  });

  it.each(['', 'Mars/Olympus', '+03:00', 'GMT+3x', 'Europe/'])('refuses %j with examples', (input) => {
    expect(() => parseTimeZone(input)).toThrow(/is not an IANA time zone name; expected e\.g\. Europe\/Moscow/);
  });
});

describe('local days', () => {
  it.each([
    // zone, day, its first instant, the next day's first instant (hours in between)
    ['UTC', '2024-05-10', '2024-05-10T00:00:00.000Z', '2024-05-11T00:00:00.000Z', 24],
    ['Europe/Moscow', '2024-05-10', '2024-05-09T21:00:00.000Z', '2024-05-10T21:00:00.000Z', 24],
    ['Asia/Kolkata', '2024-05-10', '2024-05-09T18:30:00.000Z', '2024-05-10T18:30:00.000Z', 24],
    ['Europe/Berlin', '2024-03-31', '2024-03-30T23:00:00.000Z', '2024-03-31T22:00:00.000Z', 23],
    ['Europe/Berlin', '2024-10-27', '2024-10-26T22:00:00.000Z', '2024-10-27T23:00:00.000Z', 25],
    // DST starts at midnight here: the day begins at 01:00 local
    ['America/Santiago', '2024-09-08', '2024-09-08T04:00:00.000Z', '2024-09-09T03:00:00.000Z', 23],
  ])('%s %s: [%s, %s), %i h', (zone, day, start, next, hours) => {
    expect(localDayStart(day, zone).toISOString()).toBe(start);
    expect(localDayStart(addDays(day, 1), zone).toISOString()).toBe(next);
    expect((Date.parse(next) - Date.parse(start)) / 3_600_000).toBe(hours);
  });

  it('localDayOf and the cache agree on both sides of local midnight', () => {
    const cache = createLocalDayCache();
    for (const [instant, zone, day] of [
      ['2024-05-09T18:29:59.999Z', 'Asia/Kolkata', '2024-05-09'],
      ['2024-05-09T18:30:00.000Z', 'Asia/Kolkata', '2024-05-10'],
      ['2024-05-09T20:59:59.999Z', 'Europe/Moscow', '2024-05-09'],
      ['2024-05-09T21:00:00.000Z', 'Europe/Moscow', '2024-05-10'],
      ['2024-05-09T21:00:00.000Z', 'UTC', '2024-05-09'],
      ['2024-10-27T22:59:59.999Z', 'Europe/Berlin', '2024-10-27'],
      ['2024-10-27T23:00:00.000Z', 'Europe/Berlin', '2024-10-28'],
    ] as const) {
      expect(localDayOf(new Date(instant), zone), `${instant} ${zone}`).toBe(day);
      expect(cache(Date.parse(instant), zone), `${instant} ${zone} (cached)`).toBe(day);
    }
  });

  it('mondayOf is the Monday of an ISO week; addDays is calendar arithmetic', () => {
    expect(mondayOf('2024-05-12')).toBe('2024-05-06'); // a Sunday
    expect(mondayOf('2024-05-13')).toBe('2024-05-13');
    expect(addDays('2024-03-30', 2)).toBe('2024-04-01');
    expect(() => mondayOf('2024-5-1')).toThrow(/YYYY-MM-DD/);
  });
});
