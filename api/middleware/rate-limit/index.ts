/**
 * Rate limit middleware: one token per request from a token bucket chosen by `keyOf`.
 * The app mounts it twice on /events: per client IP before the write key is looked up
 * (so a flood of bogus keys never reaches the site store), and per site after.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { ApiEnv } from '../../env.js';
import { ApiError } from '../../errors.js';
import type { TokenBuckets } from '../../token-bucket.js';

/** Options of {@link rateLimit}. */
export interface RateLimitOptions {
  /** The buckets (bounded; see `createTokenBuckets`). */
  buckets: TokenBuckets;
  /** Which bucket this request draws from; `undefined` skips the limit for it. */
  keyOf: (c: Context<ApiEnv>) => string | undefined;
  /** Named in the 429 message: "client IP", "write key". */
  scope: string;
}

/** 429 `rate_limited` with `Retry-After` (whole seconds) when the bucket is empty. */
export function rateLimit({ buckets, keyOf, scope }: RateLimitOptions): MiddlewareHandler<ApiEnv> {
  return async function rateLimit(c, next) {
    const key = keyOf(c);
    if (key !== undefined) {
      const taken = buckets.take(key);
      if (!taken.allowed) {
        throw new ApiError(
          429,
          'rate_limited',
          `too many requests for this ${scope}, retry after ${taken.retryAfterSeconds} s`,
          { headers: { 'Retry-After': String(taken.retryAfterSeconds) } },
        );
      }
    }
    await next();
  };
}
