/**
 * Access log middleware: one structured log line and one `requests_total` increment per
 * request, after the answer is known (errors included: hono's compose has already turned
 * them into a response by the time `next()` returns).
 */
import type { MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import type { WarningSummary } from '../../../lib/log-summary.js';
import type { ApiEnv } from '../../env.js';
import type { ApiMetrics } from '../../metrics.js';

/** Options of {@link accessLog}. */
export interface AccessLogOptions {
  logger: Logger;
  metrics: Pick<ApiMetrics, 'requests'>;
  /** Paths reported as themselves in the `route` label; anything else is "other". */
  routes: readonly string[];
  /** Where 503 lines go: collapsed, since an outage answers every request with one. */
  warnings?: WarningSummary;
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * Logs `http_request` with request id, route, status and duration: at debug level for
 * 1xx-3xx (a busy collector answers thousands of 202s a second), info for 4xx, warn for
 * 5xx (503s through `warnings`, one line per route and window with the count). Unexpected
 * errors are logged with their stack by the app's `onError`, not here.
 */
export function accessLog({ logger, metrics, routes, warnings }: AccessLogOptions): MiddlewareHandler<ApiEnv> {
  const known = new Set(routes);
  return async function accessLog(c, next) {
    const start = performance.now();
    await next();
    const status = c.res.status;
    // Bounded label values: a client can send any path and any method token.
    const route = known.has(c.req.path) ? c.req.path : 'other';
    const method = METHODS.has(c.req.method) ? c.req.method : 'OTHER';
    metrics.requests.inc({ route, method, status: String(status) });
    const level = status >= 500 ? 'warn' : status >= 400 ? 'info' : 'debug';
    if (!logger.isLevelEnabled(level)) return;
    const line = {
      request_id: c.get('requestId'),
      method,
      route,
      status,
      site_id: c.get('site')?.siteId,
      duration_ms: Math.round((performance.now() - start) * 100) / 100,
    };
    if (status === 503 && warnings) warnings.warn(`http_request:${route}:503`, line, 'http_request');
    else logger[level](line, 'http_request');
  };
}
