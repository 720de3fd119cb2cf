import { describe, expect, it } from 'vitest';
import { daysTouched, windowParams } from './day-window.js';

describe('daysTouched', () => {
  it.each([
    ['within one day', '2024-03-10T05:00:00Z', '2024-03-10T08:00:00Z', ['2024-03-10']],
    ['ending at midnight excludes the next day', '2024-03-10T05:00:00Z', '2024-03-11T00:00:00Z', ['2024-03-10']],
    ['crossing midnight', '2024-03-10T22:00:00Z', '2024-03-11T01:00:00Z', ['2024-03-10', '2024-03-11']],
    [
      'several days',
      '2024-02-28T00:00:00Z',
      '2024-03-02T00:00:01Z',
      ['2024-02-28', '2024-02-29', '2024-03-01', '2024-03-02'],
    ],
    ['empty range', '2024-03-10T05:00:00Z', '2024-03-10T05:00:00Z', ['2024-03-10']],
  ])('%s', (_name, from, to, expected) => {
    expect(daysTouched(new Date(from), new Date(to))).toEqual(expected);
  });

  it('rejects invalid dates', () => {
    expect(() => daysTouched(new Date('nope'), new Date())).toThrow(RangeError);
  });
});

describe('windowParams', () => {
  it('reads the day before and the day after', () => {
    expect(windowParams('2024-03-10', 1)).toEqual({
      day: '2024-03-10',
      from: '2024-03-10 00:00:00.000',
      to: '2024-03-11 00:00:00.000',
      lo: '2024-03-09 00:00:00.000',
      hi: '2024-03-12 00:00:00.000',
    });
  });

  it('rejects a malformed day', () => {
    expect(() => windowParams('2024-3-10', 1)).toThrow(/YYYY-MM-DD/);
  });
});
