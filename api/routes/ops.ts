/**
 * Operations endpoints: `/healthz` (the process answers), `/readyz` (it can do its job:
 * the injected check, typically "the Kafka producer is connected"), `/metrics` (Prometheus).
 */
import { Hono } from 'hono';
import type { Registry } from 'prom-client';
import { withDeadline } from '../deadline.js';
import type { ApiEnv } from '../env.js';

/** What {@link createOpsRoutes} needs. */
export interface OpsRoutesOptions {
  registry: Registry;
  /** Readiness check; defaults to always ready. A throw or a hang counts as not ready. */
  isReady?: () => Promise<boolean>;
  /** How long `isReady` may take. */
  readyTimeoutMs?: number;
}

/** A sub-app with the three GET routes, mounted at `/` by `createApp`. */
export function createOpsRoutes({
  registry,
  isReady = async () => true,
  readyTimeoutMs = 2000,
}: OpsRoutesOptions): Hono<ApiEnv> {
  const ops = new Hono<ApiEnv>();

  ops.get('/healthz', (c) => c.json({ status: 'ok' }));

  ops.get('/readyz', async (c) => {
    const ready = await withDeadline(isReady, readyTimeoutMs);
    if (ready.outcome === 'ok' && ready.value === true) return c.json({ status: 'ready' });
    // A load balancer polls this: 503 takes the replica out of rotation, it is no error.
    const reason =
      ready.outcome === 'ok'
        ? 'check returned false'
        : ready.outcome === 'timeout'
          ? 'check timed out'
          : 'check failed';
    return c.json({ status: 'not_ready', reason }, 503);
  });

  ops.get('/metrics', async (c) => {
    const body = await registry.metrics();
    return c.body(body, 200, { 'Content-Type': registry.contentType });
  });

  return ops;
}
