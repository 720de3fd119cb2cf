/**
 * Write key middleware: which site is this request for? The key comes from the
 * `X-Write-Key` header or, for `navigator.sendBeacon` (which cannot set headers), `?key=`.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { withDeadline } from '../../deadline.js';
import type { SiteResolver } from '../../deps.js';
import type { ApiEnv } from '../../env.js';
import { ApiError } from '../../errors.js';

/** Options of {@link writeKey}. */
export interface WriteKeyOptions {
  sites: SiteResolver;
  /** A lookup slower than this answers 503 rather than holding the request. */
  timeoutMs?: number;
  /** `Retry-After` seconds when the lookup failed (a function: a spread value per answer). */
  retryAfterSeconds?: number | (() => number);
  /**
   * Where the key is. Default: `X-Write-Key`, then `?key=`. Other wire formats name it
   * elsewhere (Segment: `Authorization: Basic`, PostHog: the body's `api_key`).
   */
  keyOf?: (c: Context<ApiEnv>) => string | undefined;
  /** The 401 message when `keyOf` finds no key: say where this endpoint looks for it. */
  missingKeyMessage?: string;
}

const headerOrQueryKey = (c: Context<ApiEnv>): string | undefined => c.req.header('X-Write-Key') ?? c.req.query('key');

// Keys are opaque tokens; anything else (or huge) is refused without a database round trip.
const PLAUSIBLE_KEY = /^[\x21-\x7e]{1,256}$/;

/**
 * Sets `c.var.site`. 401 `missing_write_key` / `unknown_write_key` (unknown or revoked);
 * 503 `sites_unavailable` + `Retry-After` when the resolver fails or is too slow (the key
 * may be valid, so neither a 401 nor a 500 would be honest).
 *
 * A CORS preflight (OPTIONS) may come without a key: browsers never send custom headers
 * like `X-Write-Key` on a preflight. Then `site` stays unset and `cors()` decides.
 */
export function writeKey({
  sites,
  timeoutMs = 2000,
  retryAfterSeconds = 5,
  keyOf = headerOrQueryKey,
  missingKeyMessage = 'missing write key: send the X-Write-Key header or the ?key= query parameter',
}: WriteKeyOptions): MiddlewareHandler<ApiEnv> {
  return async function writeKey(c, next) {
    const key = keyOf(c);
    if (key === undefined || key === '') {
      if (c.req.method === 'OPTIONS') return next();
      throw new ApiError(401, 'missing_write_key', missingKeyMessage);
    }
    if (!PLAUSIBLE_KEY.test(key)) throw unknownKey();
    const found = await withDeadline(() => sites.resolve(key), timeoutMs);
    if (found.kind !== 'ok') {
      throw new ApiError(503, 'sites_unavailable', 'the write key could not be checked right now, retry later', {
        headers: {
          'Retry-After': String(typeof retryAfterSeconds === 'function' ? retryAfterSeconds() : retryAfterSeconds),
        },
        cause: found.kind === 'error' ? found.error : undefined,
      });
    }
    if (found.value === null) throw unknownKey();
    c.set('site', found.value);
    await next();
  };
}

function unknownKey(): ApiError {
  return new ApiError(401, 'unknown_write_key', 'the write key is unknown or revoked');
}
