/**
 * Operations endpoints on the ingest port, for load balancers: `/healthz` (the process
 * answers) and `/readyz` (it can do its job: 503 while the event sink cannot take writes,
 * naming the dependency). `/metrics` is not here: the api role serves it on an address of
 * its own (API_METRICS_HOST:API_METRICS_PORT), so the public port never shows it.
 */
import { Hono } from 'hono';
import { type ReadinessReport, readinessAnswer } from '../../lib/readiness.js';
import { withDeadline } from '../deadline.js';
import type { ApiEnv } from '../env.js';

/** What {@link createOpsRoutes} needs. */
export interface OpsRoutesOptions {
  /** The readiness report; defaults to always ready. A throw or a hang counts as not ready. */
  readiness?: () => Promise<ReadinessReport>;
  /** How long `readiness` may take. */
  readyTimeoutMs?: number;
}

const ALWAYS_READY = async (): Promise<ReadinessReport> => ({ ready: true, dependencies: {} });

/** A sub-app with the two GET routes, mounted at `/` by `createApp`. */
export function createOpsRoutes({ readiness = ALWAYS_READY, readyTimeoutMs = 2000 }: OpsRoutesOptions): Hono<ApiEnv> {
  const ops = new Hono<ApiEnv>();

  ops.get('/healthz', (c) => c.json({ status: 'ok' }));

  ops.get('/readyz', async (c) => {
    const report = await withDeadline(readiness, readyTimeoutMs);
    // A load balancer polls this: 503 takes the replica out of rotation, it is no error.
    if (report.kind !== 'ok') {
      const reason = report.kind === 'timeout' ? 'readiness check timed out' : 'readiness check failed';
      return c.json({ status: 'not_ready', reason }, 503);
    }
    const { status, body } = readinessAnswer(report.value);
    return c.json(body, status);
  });

  return ops;
}
