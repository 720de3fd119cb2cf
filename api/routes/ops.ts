/**
 * Operations endpoints on the ingest port, for load balancers: `/healthz` (the process
 * answers) and `/readyz` (it can do its job: the injected check, typically "the Kafka
 * producer is connected"). `/metrics` is not here: the api role serves it on an address
 * of its own (API_METRICS_HOST:API_METRICS_PORT), so the public port never shows it.
 */
import { Hono } from 'hono';
import { withDeadline } from '../deadline.js';
import type { ApiEnv } from '../env.js';

/** What {@link createOpsRoutes} needs. */
export interface OpsRoutesOptions {
  /** Readiness check; defaults to always ready. A throw or a hang counts as not ready. */
  isReady?: () => Promise<boolean>;
  /** How long `isReady` may take. */
  readyTimeoutMs?: number;
}

/** A sub-app with the two GET routes, mounted at `/` by `createApp`. */
export function createOpsRoutes({ isReady = async () => true, readyTimeoutMs = 2000 }: OpsRoutesOptions): Hono<ApiEnv> {
  const ops = new Hono<ApiEnv>();

  ops.get('/healthz', (c) => c.json({ status: 'ok' }));

  ops.get('/readyz', async (c) => {
    const ready = await withDeadline(isReady, readyTimeoutMs);
    if (ready.kind === 'ok' && ready.value === true) return c.json({ status: 'ready' });
    // A load balancer polls this: 503 takes the replica out of rotation, it is no error.
    const reason =
      ready.kind === 'ok' ? 'check returned false' : ready.kind === 'timeout' ? 'check timed out' : 'check failed';
    return c.json({ status: 'not_ready', reason }, 503);
  });

  return ops;
}
