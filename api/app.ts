/**
 * The ingestion API as a Hono app, built from injected dependencies, with no listener:
 * `role.ts` serves it, tests call `app.request()`.
 *
 * POST /events passes, in order (cheapest refusals first, and nothing costly before the
 * client is known):
 *   requestId → accessLog → corsErrors → sinkGate (503 while the sink is down or full) → clientIp
 *   → rate limit per IP → writeKey (site lookup) → cors → rate limit per site → jsonBody (415/413/400)
 *   → postEvents (validate, send, 202).
 */
import { Hono } from 'hono';
import { createWarningSummary } from '../lib/log-summary.js';
import type { ApiDeps } from './deps.js';
import type { ApiEnv } from './env.js';
import { createErrorHandler, notFound } from './error-handler.js';
import { ApiError } from './errors.js';
import { resolveApiLimits } from './limits.js';
import { createApiMetrics } from './metrics.js';
import { accessLog } from './middleware/access-log/index.js';
import { jsonBody } from './middleware/body/index.js';
import { clientIp } from './middleware/client-ip/index.js';
import { cors } from './middleware/cors/index.js';
import { corsErrors } from './middleware/cors-errors/index.js';
import { rateLimit } from './middleware/rate-limit/index.js';
import { requestId } from './middleware/request-id/index.js';
import { sinkGate } from './middleware/sink-gate/index.js';
import { writeKey } from './middleware/write-key/index.js';
import { postEvents } from './routes/events.js';
import { demoPage } from './routes/demo.js';
import { createOpsRoutes } from './routes/ops.js';
import { outageRetryAfter, spreadRetryAfter } from './retry-after.js';
import { sdkScript } from './routes/sdk-script.js';
import { createTokenBuckets } from './token-bucket.js';

export type { ApiDeps, EventSink, SiteResolver, Site } from './deps.js';
export { SinkUnavailableError } from './deps.js';
export type { ApiEnv } from './env.js';

const ROUTES = ['/events', '/healthz', '/readyz', '/sdk.js', '/demo'] as const;

/**
 * Build the API. Throws at once on an invalid limit override (naming the key).
 *
 * @example
 * const app = createApp({ sink: guard, sites, logger, registry, sinkAdmission: guard.admission, readiness })
 * serve({ fetch: app.fetch, port })
 */
export function createApp(deps: ApiDeps): Hono<ApiEnv> {
  const { sink, sites, salts, logger, registry } = deps;
  const limits = resolveApiLimits(deps.limits);
  const now = deps.now ?? Date.now;
  const metrics = createApiMetrics(registry);
  const perIp = createTokenBuckets(limits.rateLimit.perIp, limits.rateLimit.maxBuckets, now);
  const perSite = createTokenBuckets(limits.rateLimit.perKey, limits.rateLimit.maxBuckets, now);

  // An outage makes every request fail alike: one line now and a count every 10 s, not one each.
  const warnings = createWarningSummary(logger);
  const outage = deps.sinkOutageSeconds ?? (() => 0);
  const retryAfterSeconds = () => spreadRetryAfter(outageRetryAfter(limits.retryAfterSeconds, outage()));

  const app = new Hono<ApiEnv>();
  app.use(requestId());
  app.use(accessLog({ logger, metrics, routes: ROUTES, warnings }));

  const opsOptions = deps.readiness ? { readiness: deps.readiness } : {};
  app.route('/', createOpsRoutes({ readyTimeoutMs: limits.produceTimeoutMs, ...opsOptions }));
  if (deps.sdkScript) app.get('/sdk.js', sdkScript(deps.sdkScript));
  if (deps.demoPage) app.get('/demo/*', demoPage(deps.demoPage)).get('/demo', demoPage(deps.demoPage));

  const { sinkAdmission } = deps;
  app.use(
    '/events',
    corsErrors(),
    ...(sinkAdmission
      ? [
          sinkGate({
            admission: sinkAdmission,
            maxInFlight: limits.maxPendingSends,
            maxInFlightBytes: limits.maxPendingBytes,
            maxBodyBytes: limits.maxBodyBytes,
            retryAfterSeconds,
            onRefused: (code) => metrics.requestsShed.inc({ reason: code }),
          }),
        ]
      : []),
    clientIp({ trustProxy: deps.trustProxy ?? false }),
    rateLimit({ buckets: perIp, keyOf: (c) => c.get('clientIp'), scope: 'client IP' }),
    writeKey({ sites, timeoutMs: limits.resolveTimeoutMs, retryAfterSeconds }),
    cors(),
    rateLimit({ buckets: perSite, keyOf: (c) => c.get('site')?.siteId, scope: 'write key' }),
  );
  app.post(
    '/events',
    jsonBody({ maxBytes: limits.maxBodyBytes }),
    postEvents({ sink, salts, limits, metrics, warnings, retryAfterSeconds, now }),
  );
  app.all('/events', (c) => {
    throw new ApiError(405, 'method_not_allowed', `${c.req.method.slice(0, 20)} is not allowed on /events: use POST`, {
      headers: { Allow: 'POST, OPTIONS' },
    });
  });

  app.notFound(notFound);
  app.onError(createErrorHandler(logger));
  return app;
}
