import { describe, expect, it } from 'vitest';
import { outageRetryAfter, spreadRetryAfter } from './retry-after.js';

describe('spreadRetryAfter', () => {
  it('spreads whole seconds over [base/2, 1.5 base] with the mean at base', () => {
    const seen = new Map<number, number>();
    for (let i = 0; i < 10_000; i++) {
      const s = spreadRetryAfter(5);
      seen.set(s, (seen.get(s) ?? 0) + 1);
    }
    expect([...seen.keys()].sort()).toEqual([3, 4, 5, 6, 7]);
    const mean = [...seen].reduce((sum, [s, n]) => sum + s * n, 0) / 10_000;
    expect(mean).toBeGreaterThan(4.8);
    expect(mean).toBeLessThan(5.2);
    // No second gets most of the clients.
    for (const n of seen.values()) expect(n).toBeLessThan(2500);
  });

  it.each([
    [0, 3],
    [0.999999, 7],
  ])('covers both ends (random %s -> %s)', (r, expected) => {
    expect(spreadRetryAfter(5, () => r)).toBe(expected);
  });

  it('never says less than 1 second', () => {
    expect(spreadRetryAfter(1, () => 0)).toBe(1);
    expect(spreadRetryAfter(1, () => 0.99)).toBe(1);
  });
});

describe('outageRetryAfter', () => {
  it.each([
    [0, 5],
    [8, 5],
    [20, 10],
    [35, 18],
    [300, 60],
  ])('after %s s of outage the base is %s s', (outage, base) => {
    expect(outageRetryAfter(5, outage)).toBe(base);
  });
});
