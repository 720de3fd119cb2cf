import { describe, expect, it } from 'vitest';
import { unitDay, unitsTouched, unitWindow } from './build-unit.js';

const iso = (w: { from: Date; to: Date; lo: Date; hi: Date }) => ({
  from: w.from.toISOString(),
  to: w.to.toISOString(),
  lo: w.lo.toISOString(),
  hi: w.hi.toISOString(),
});

describe('unitWindow', () => {
  it('a UTC day is what it was: [D, D+1), read from D-1 to D+2', () => {
    expect(iso(unitWindow('utc_day', '2024-03-10', 1, ['UTC', 'Asia/Kolkata']))).toEqual({
      from: '2024-03-10T00:00:00.000Z',
      to: '2024-03-11T00:00:00.000Z',
      lo: '2024-03-09T00:00:00.000Z',
      hi: '2024-03-12T00:00:00.000Z',
    });
  });

  it('a local day spans the earliest and the latest local midnight of the zones in use', () => {
    expect(iso(unitWindow('local_day', '2024-05-10', 1, ['UTC', 'Asia/Kolkata', 'America/New_York']))).toEqual({
      from: '2024-05-09T18:30:00.000Z', // Kolkata starts first
      to: '2024-05-11T04:00:00.000Z', // New York (EDT, UTC-4) ends last
      lo: '2024-05-08T18:30:00.000Z',
      hi: '2024-05-12T04:00:00.000Z',
    });
  });

  it('a DST day in its zone lasts 23 or 25 hours', () => {
    const hours = (day: string) => {
      const w = unitWindow('local_day', day, 1, ['Europe/Berlin']);
      return (w.to.getTime() - w.from.getTime()) / 3_600_000;
    };
    expect(hours('2024-03-31')).toBe(23);
    expect(hours('2024-10-27')).toBe(25);
  });

  it('a week is named by its Monday and read from the beginning of time when asked', () => {
    const w = unitWindow('local_week', '2024-05-08', Number.POSITIVE_INFINITY, ['UTC', 'Europe/Moscow']);
    expect(w.day).toBe('2024-05-06');
    expect(iso(w)).toEqual({
      from: '2024-05-05T21:00:00.000Z',
      to: '2024-05-13T00:00:00.000Z',
      lo: '1970-01-01T00:00:00.000Z',
      hi: '2024-05-14T00:00:00.000Z',
    });
    expect(unitDay('local_week', '2024-05-12')).toBe('2024-05-06');
    expect(unitDay('local_day', '2024-05-12')).toBe('2024-05-12');
  });
});

describe('unitsTouched', () => {
  const from = new Date('2024-05-10T20:00:00Z');
  const to = new Date('2024-05-10T23:00:00Z');
  it.each([
    ['utc_day', ['UTC', 'Europe/Moscow'], ['2024-05-10']],
    // 23:00-02:00 in Moscow: two local days; UTC alone one
    ['local_day', ['UTC', 'Europe/Moscow'], ['2024-05-10', '2024-05-11']],
    ['local_day', ['UTC'], ['2024-05-10']],
    ['local_week', ['UTC', 'Europe/Moscow'], ['2024-05-06']],
  ] as const)('%s in %j', (unit, zones, expected) => {
    expect(unitsTouched(unit, from, to, zones)).toEqual(expected);
  });

  it('a Sunday night in Moscow touches the next week there', () => {
    expect(
      unitsTouched('local_week', new Date('2024-05-12T20:00:00Z'), new Date('2024-05-12T22:00:00Z'), [
        'UTC',
        'Europe/Moscow',
      ]),
    ).toEqual(['2024-05-06', '2024-05-13']);
  });
});
