/**
 * Token buckets keyed by string (a write key, an IP), in a Map of bounded size.
 *
 * Each bucket holds up to `burst` tokens and refills continuously at `perSecond`; a request
 * takes one token. Buckets are refilled lazily on access (no timers), and the Map is kept in
 * least-recently-used order by re-inserting on access, so when it is full the bucket dropped
 * is the one idle the longest. A dropped bucket comes back full, which is the price of
 * bounded memory: an attacker cycling through more than `maxBuckets` IPs gets fresh buckets,
 * but the per-key limit still holds them back.
 */
import type { TokenBucketLimit } from './limits.js';

/** Outcome of {@link TokenBuckets.take}. */
export type TakeResult = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** A set of token buckets; see {@link createTokenBuckets}. */
export interface TokenBuckets {
  /** Take one token from `key`'s bucket, creating it (full) on first use. */
  take(key: string): TakeResult;
  /** Buckets currently held (never more than `maxBuckets`). */
  readonly size: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * @param limit bucket size and refill rate
 * @param maxBuckets how many keys to remember at most
 * @param now clock in milliseconds (injected for tests)
 */
export function createTokenBuckets(
  limit: TokenBucketLimit,
  maxBuckets: number,
  now: () => number = Date.now,
): TokenBuckets {
  const buckets = new Map<string, Bucket>();
  const perMs = limit.perSecond / 1000;

  return {
    get size() {
      return buckets.size;
    },
    take(key) {
      const t = now();
      let bucket = buckets.get(key);
      if (bucket === undefined) {
        if (buckets.size >= maxBuckets) {
          // Map iterates in insertion order: the first key is the least recently used.
          const oldest = buckets.keys().next();
          if (!oldest.done) buckets.delete(oldest.value);
        }
        bucket = { tokens: limit.burst, updatedAt: t };
      } else {
        buckets.delete(key); // re-inserted below: moves it to the most recently used end
        // max(0, ...): a clock stepping backwards must not drain the bucket.
        bucket.tokens = Math.min(limit.burst, bucket.tokens + Math.max(0, t - bucket.updatedAt) * perMs);
        bucket.updatedAt = t;
      }
      buckets.set(key, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return { allowed: true };
      }
      // Whole seconds until one token is back; at least 1, Retry-After has no fractions.
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000)) };
    },
  };
}
