/**
 * The middleware chains of the Segment and PostHog endpoints: the /events chain (error CORS,
 * client IP, rate limit per IP, site, CORS, rate limit per site) with two differences:
 * - the body is read BEFORE the site is known, because these clients may carry the key in
 *   the body (Segment's `writeKey`, PostHog's `api_key`); the per-IP limit still comes
 *   first, and the body limit bounds what an unknown client can make us read;
 * - CORS preflights may ask for `Authorization` (analytics-next sends Basic auth from the
 *   browser) and `X-Retry-Count` (its retries).
 */
import type { Context, MiddlewareHandler } from 'hono';
import { every } from 'hono/combine';
import type { SiteResolver } from '../../deps.js';
import type { ApiEnv } from '../../env.js';
import type { ApiLimits } from '../../limits.js';
import { jsonBody } from '../../middleware/body/index.js';
import { clientIp } from '../../middleware/client-ip/index.js';
import { cors } from '../../middleware/cors/index.js';
import { corsErrors } from '../../middleware/cors-errors/index.js';
import { rateLimit } from '../../middleware/rate-limit/index.js';
import { writeKey } from '../../middleware/write-key/index.js';
import type { TokenBuckets } from '../../token-bucket.js';
import type { CompatIngestOptions } from './ingest.js';

/** What the Segment and PostHog routes share with POST /events. */
export interface CompatRouteDeps {
  sites: SiteResolver;
  /** The compat limits (see limits.ts), also in `ingest.limits`. */
  limits: ApiLimits;
  /** The same buckets as /events: one site has one budget, whatever wire format it uses. */
  perIp: TokenBuckets;
  perSite: TokenBuckets;
  trustProxy: boolean;
  /** POST /events' refusal before the body while the sink is down or full (empty: none). */
  sinkGate: MiddlewareHandler<ApiEnv>[];
  ingest: Omit<CompatIngestOptions, 'source' | 'trustProxy'>;
}

/** Where a route finds the write key, and how its 401 says so. */
export interface KeySource {
  keyOf: (c: Context<ApiEnv>) => string | undefined;
  missingKeyMessage: string;
}

const ALLOW_HEADERS = [
  'Content-Type',
  'Content-Encoding',
  'Authorization',
  'X-Write-Key',
  'X-Request-Id',
  'X-Retry-Count',
];

/**
 * First on every compat route, preflights included: mount with `app.use(path, ...chain)`,
 * never inside `every()`, since `corsErrors()` must see the error answers the app renders.
 */
export function entryChain(deps: CompatRouteDeps): MiddlewareHandler<ApiEnv>[] {
  return [
    corsErrors(),
    clientIp({ trustProxy: deps.trustProxy }),
    rateLimit({ buckets: deps.perIp, keyOf: (c) => c.get('clientIp'), scope: 'client IP' }),
  ];
}

/** A preflight: no key can be known yet (see cors()), so it is answered from the origin alone. */
export function preflight(): MiddlewareHandler<ApiEnv> {
  return cors({ allowHeaders: ALLOW_HEADERS });
}

/**
 * After {@link entryChain} on a POST or GET: body (when `readBody`), site, CORS, per-site
 * limit, as one middleware (an error in any of them reaches the app's `onError` unchanged).
 */
export function siteChain(deps: CompatRouteDeps, key: KeySource, readBody: boolean): MiddlewareHandler<ApiEnv> {
  const { limits } = deps;
  return every(
    ...(readBody ? [...deps.sinkGate, jsonBody({ maxBytes: limits.maxBodyBytes })] : []),
    writeKey({
      sites: deps.sites,
      timeoutMs: limits.resolveTimeoutMs,
      retryAfterSeconds: deps.ingest.retryAfterSeconds,
      ...key,
    }),
    cors({ allowHeaders: ALLOW_HEADERS }),
    rateLimit({ buckets: deps.perSite, keyOf: (c) => c.get('site')?.siteId, scope: 'write key' }),
  );
}

/** The resolved site's id; only after {@link siteChain} (a missing site is a wiring bug: 500). */
export function siteIdOf(c: Context<ApiEnv>): string {
  const site = c.get('site');
  if (site === undefined) throw new Error('compat route mounted without writeKey()');
  return site.siteId;
}
