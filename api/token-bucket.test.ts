import { describe, expect, it } from 'vitest';
import { createTokenBuckets } from './token-bucket.js';

describe('createTokenBuckets', () => {
  it('allows a burst, refills continuously, answers whole seconds to wait', () => {
    let now = 0;
    const b = createTokenBuckets({ burst: 3, perSecond: 2 }, 10, () => now);
    expect([b.take('k'), b.take('k'), b.take('k')].every((r) => r.allowed)).toBe(true);
    expect(b.take('k')).toEqual({ allowed: false, retryAfterSeconds: 1 });
    now += 500; // one token back
    expect(b.take('k')).toEqual({ allowed: true });
    expect(b.take('k').allowed).toBe(false);
    now += 60_000; // refill caps at burst
    for (let i = 0; i < 3; i++) expect(b.take('k').allowed).toBe(true);
    expect(b.take('k').allowed).toBe(false);
  });

  it('never holds more than maxBuckets, dropping the least recently used', () => {
    const b = createTokenBuckets({ burst: 1, perSecond: 0.001 }, 3, () => 0);
    b.take('a');
    b.take('b');
    b.take('c');
    b.take('a'); // a is now the most recent (and empty)
    b.take('d'); // drops b
    expect(b.size).toBe(3);
    expect(b.take('a').allowed).toBe(false); // kept
    expect(b.take('b').allowed).toBe(true); // was dropped, comes back full
    for (let i = 0; i < 100_000; i++) b.take(`ip-${i}`);
    expect(b.size).toBe(3);
  });

  it('does not drain when the clock steps back', () => {
    let now = 10_000;
    const b = createTokenBuckets({ burst: 1, perSecond: 1 }, 10, () => now);
    b.take('k');
    now = 0;
    expect(b.take('k')).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });
});
