import { describe, expect, it } from 'vitest';
import { createApp } from '../app.js';
import { TEST_KEY, testDeps } from '../../test/support/api-doubles.js';

describe('ops routes', () => {
  it('/healthz answers while the process lives', async () => {
    const app = createApp(testDeps({ readiness: async () => ({ ready: false, dependencies: {} }) }));
    const res = await app.request('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  const kafkaDown = { ok: false, detail: 'probe failed: connect ECONNREFUSED' };
  const postgresDown = { ok: false, detail: 'unreachable; serving 3 known keys from the cache' };
  it.each([
    [
      'ready',
      async () => ({ ready: true, dependencies: { kafka: { ok: true, detail: 'sends acknowledged' } } }),
      200,
      { status: 'ready', dependencies: { kafka: { ok: true, detail: 'sends acknowledged' } } },
    ],
    [
      'ready with Postgres down (known keys are served from the cache)',
      async () => ({ ready: true, dependencies: { kafka: { ok: true, detail: 'ok' }, postgres: postgresDown } }),
      200,
      { status: 'ready', dependencies: { kafka: { ok: true, detail: 'ok' }, postgres: postgresDown } },
    ],
    [
      'not ready, naming the dependency',
      async () => ({ ready: false, dependencies: { kafka: kafkaDown, postgres: { ok: true, detail: 'ok' } } }),
      503,
      {
        status: 'not_ready',
        reason: 'kafka: probe failed: connect ECONNREFUSED',
        dependencies: { kafka: kafkaDown, postgres: { ok: true, detail: 'ok' } },
      },
    ],
    [
      'failing',
      async () => {
        throw new Error('kafka down');
      },
      503,
      { status: 'not_ready', reason: 'readiness check failed' },
    ],
    [
      'hanging',
      () => new Promise<never>(() => undefined),
      503,
      { status: 'not_ready', reason: 'readiness check timed out' },
    ],
  ])('/readyz when the check is %s', async (_name, readiness, status, body) => {
    const app = createApp(testDeps({ readiness, limits: { produceTimeoutMs: 30 } }));
    const res = await app.request('/readyz');
    expect(res.status).toBe(status);
    expect(await res.json()).toEqual(body);
  });

  it('records requests, accepted/rejected events, produce latency and batch size in its registry', async () => {
    const deps = testDeps();
    const app = createApp(deps);
    await app.request('/events', {
      method: 'POST',
      body: JSON.stringify([{ type: 'click' }, { type: '!' }]),
      headers: { 'Content-Type': 'application/json', 'X-Write-Key': TEST_KEY },
    });
    const text = await deps.registry.metrics();
    expect(text).toContain('clickstream_api_requests_total{route="/events",method="POST",status="202"} 1');
    expect(text).toContain('clickstream_api_events_accepted_total 1');
    expect(text).toContain('clickstream_api_events_rejected_total{reason="invalid_type"} 1');
    expect(text).toContain('clickstream_api_produce_duration_seconds_count{outcome="ok"} 1');
    expect(text).toContain('clickstream_api_batch_size_bucket{le="2"} 1');
  });

  it('does not serve /metrics: the ingest port is public, metrics have an address of their own', async () => {
    const deps = testDeps();
    const app = createApp(deps);
    await app.request('/healthz');
    expect((await deps.registry.metrics()).length).toBeGreaterThan(0);
    const res = await app.request('/metrics');
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain('clickstream_api_');
  });

  it('two apps on one registry share the metrics instead of throwing', () => {
    const deps = testDeps();
    createApp(deps);
    expect(() => createApp(deps)).not.toThrow();
  });
});
