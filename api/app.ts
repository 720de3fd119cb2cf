/**
 * The ingestion API as a Hono app, built from injected dependencies, with no listener:
 * `role.ts` serves it, tests call `app.request()`.
 *
 * POST /events passes, in order (cheapest refusals first, and nothing costly before the
 * client is known):
 *   requestId → accessLog → corsErrors → sinkGate (503 while the sink is down or full) → clientIp
 *   → rate limit per IP → writeKey (site lookup) → cors → rate limit per site → jsonBody (415/413/400)
 *   → postEvents (validate, send, 202).
 *
 * The Segment (`/v1/*`) and PostHog (`/batch/`, `/e/` …) endpoints map their clients'
 * messages to events and then take the same path (routes/compat/).
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
import { compatLimits } from './routes/compat/limits.js';
import type { CompatRouteDeps } from './routes/compat/middleware.js';
import { postEvents } from './routes/events.js';
import { demoPage } from './routes/demo.js';
import { createOpsRoutes } from './routes/ops.js';
import { outageRetryAfter, spreadRetryAfter } from './retry-after.js';
import { POSTHOG_CAPTURE_PATHS, posthogRoutes } from './routes/posthog/routes.js';
import { sdkScript } from './routes/sdk-script.js';
import { SEGMENT_POST_PATHS, segmentRoutes } from './routes/segment/routes.js';
import { createTokenBuckets } from './token-bucket.js';

export type { ApiDeps, EventSink, SiteResolver, Site } from './deps.js';
export { SinkUnavailableError } from './deps.js';
export type { ApiEnv } from './env.js';

const ROUTES = [
  '/events',
  '/healthz',
  '/readyz',
  '/sdk.js',
  '/demo',
  ...SEGMENT_POST_PATHS,
  ...POSTHOG_CAPTURE_PATHS,
] as const;

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

  // Refuses a POST before its body is read while the sink is down or full (see sink-gate).
  const { sinkAdmission } = deps;
  const gate = (maxBodyBytes: number) =>
    sinkAdmission
      ? [
          sinkGate({
            admission: sinkAdmission,
            maxInFlight: limits.maxPendingSends,
            maxInFlightBytes: limits.maxPendingBytes,
            maxBodyBytes,
            retryAfterSeconds,
            onRefused: (code) => metrics.requestsShed.inc({ reason: code }),
          }),
        ]
      : [];
  app.use(
    '/events',
    corsErrors(),
    ...gate(limits.maxBodyBytes),
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

  // Segment and PostHog clients, pointed at this collector: same sites, budgets and sink.
  const wideLimits = compatLimits(limits);
  const compat: CompatRouteDeps = {
    sites,
    limits: wideLimits,
    perIp,
    perSite,
    trustProxy: deps.trustProxy ?? false,
    sinkGate: gate(wideLimits.maxBodyBytes),
    ingest: { sink, salts, limits: wideLimits, metrics, logger, warnings, retryAfterSeconds, now },
  };
  app.route('/', segmentRoutes(compat));
  app.route('/', posthogRoutes(compat));

  app.notFound(notFound);
  app.onError(createErrorHandler(logger));
  return app;
}
