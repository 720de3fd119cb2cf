import { describe, expect, it } from 'vitest';
import { retryDelay } from './backoff';

describe('retryDelay', () => {
  it.each([
    [1, 1000],
    [2, 2000],
    [3, 4000],
    [7, 60_000],
    [20, 60_000],
  ])('try %i waits %i ms before jitter, doubling up to a minute', (tries, ms) => {
    expect(retryDelay(tries, null, () => 0)).toBe(ms);
  });

  it('jitter only adds, up to +50 %', () => {
    expect(retryDelay(2, null, () => 0.999_999)).toBe(3000);
  });

  it.each([
    ['2', 2000],
    ['0.5', 500],
    ['100000', 600_000], // capped at 10 minutes
  ])('Retry-After: %s is the wait (a minimum, jitter on top)', (header, ms) => {
    expect(retryDelay(1, header, () => 0)).toBe(ms);
    expect(retryDelay(1, header, () => 0.5)).toBe(Math.round(ms * 1.25));
  });

  it.each(['0', '-3', 'soon', 'Wed, 21 Oct 2015 07:28:00 GMT', ''])(
    'an unusable Retry-After (%j) falls back to the backoff',
    (header) => {
      expect(retryDelay(3, header, () => 0)).toBe(4000);
    },
  );
});
