/**
 * CORS middleware, per site: a browser on one of the site's allowed origins gets
 * `Access-Control-Allow-Origin`; any other origin gets 403. Requests without `Origin`
 * (server-to-server, curl) are not CORS and pass.
 *
 * Runs after `writeKey()`, because what is allowed depends on the site.
 */
import type { MiddlewareHandler } from 'hono';
import type { ApiEnv } from '../../env.js';
import { ApiError } from '../../errors.js';

/** Options of {@link cors}. */
export interface CorsOptions {
  /** Answered to preflights in `Access-Control-Allow-Headers`. */
  allowHeaders?: string[];
  /** Exposed to browser scripts (`Retry-After` matters to an SDK's back-off). */
  exposeHeaders?: string[];
  /** Seconds a browser may cache a preflight answer. */
  maxAge?: number;
}

/**
 * A preflight (OPTIONS) from an allowed origin gets 204 with the allow headers.
 *
 * A preflight carrying no key (the key is in `X-Write-Key`, which preflights never carry)
 * cannot be checked against a site; it gets a 204 reflecting the origin, and the actual
 * POST that follows is checked strictly (403 for a foreign origin, with no
 * `Access-Control-Allow-Origin`, so the browser also hides the answer). With `?key=` on the
 * URL the preflight itself is checked.
 */
export function cors({
  allowHeaders = ['Content-Type', 'Content-Encoding', 'X-Write-Key', 'X-Request-Id'],
  exposeHeaders = ['Retry-After', 'X-Request-Id'],
  maxAge = 600,
}: CorsOptions = {}): MiddlewareHandler<ApiEnv> {
  return async function cors(c, next) {
    const origin = c.req.header('Origin');
    const site = c.get('site');
    const options = c.req.method === 'OPTIONS';
    if (origin === undefined) {
      if (!options) return next();
      // Not CORS (curl -X OPTIONS): just say what the endpoint takes.
      c.header('Allow', 'POST, OPTIONS');
      return c.body(null, 204);
    }
    if (site !== undefined && !isAllowed(origin, site.allowedOrigins)) {
      throw new ApiError(
        403,
        'origin_not_allowed',
        `origin ${JSON.stringify(origin.slice(0, 200))} is not allowed for this site`,
      );
    }
    c.header('Access-Control-Allow-Origin', origin);
    c.header('Vary', 'Origin', { append: true });
    c.header('Access-Control-Expose-Headers', exposeHeaders.join(', '));
    if (options) {
      c.header('Access-Control-Allow-Methods', 'POST, OPTIONS');
      c.header('Access-Control-Allow-Headers', allowHeaders.join(', '));
      c.header('Access-Control-Max-Age', String(maxAge));
      return c.body(null, 204);
    }
    await next();
  };
}

/** Compare as URL origins, so `https://Example.com:443/` in config matches `https://example.com`. */
function isAllowed(origin: string, allowed: readonly string[]): boolean {
  if (allowed.includes('*')) return true;
  const normalized = normalizeOrigin(origin);
  if (normalized === null) return allowed.includes(origin); // e.g. the literal "null" origin
  return allowed.some((a) => a === origin || normalizeOrigin(a) === normalized);
}

function normalizeOrigin(value: string): string | null {
  if (!URL.canParse(value)) return null;
  const origin = new URL(value).origin;
  return origin === 'null' ? null : origin;
}
