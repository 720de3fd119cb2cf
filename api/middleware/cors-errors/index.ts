/**
 * Lets a browser script read the collector's refusals. Without `Access-Control-Allow-Origin`
 * a browser hands a 401, 403, 413 or 429 to the page as an opaque network error, so an SDK
 * cannot tell "wrong key, stop" from "offline, retry" and would retry a refused batch
 * forever. An error body holds nothing a foreign origin may not see (what was wrong with
 * its own request), so every error answer to a request with an `Origin` reflects it.
 * Successful answers stay with `cors()`, which allows only the site's origins.
 */
import type { MiddlewareHandler } from 'hono';
import type { ApiEnv } from '../../env.js';

/** Options of {@link corsErrors}. */
export interface CorsErrorsOptions {
  /** Readable by the script: `Retry-After` drives an SDK's back-off. */
  exposeHeaders?: string[];
}

/** Mount first on the route, so refusals of every later step (rate limit, key, origin, body) are covered. */
export function corsErrors({
  exposeHeaders = ['Retry-After', 'X-Request-Id'],
}: CorsErrorsOptions = {}): MiddlewareHandler<ApiEnv> {
  return async function corsErrors(c, next) {
    await next();
    const origin = c.req.header('Origin');
    if (origin === undefined || c.res.status < 400 || c.res.headers.has('Access-Control-Allow-Origin')) return;
    c.res.headers.set('Access-Control-Allow-Origin', origin);
    c.res.headers.append('Vary', 'Origin');
    c.res.headers.set('Access-Control-Expose-Headers', exposeHeaders.join(', '));
  };
}
