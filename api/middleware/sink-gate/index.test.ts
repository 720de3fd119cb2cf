import { describe, expect, it } from 'vitest';
import { TEST_KEY, testDeps } from '../../../test/support/api-doubles.js';
import { createApp } from '../../app.js';
import type { Refusal } from '../../deps.js';

/** A request body that records whether anyone read it. */
function watchedBody(text: string) {
  const watch = { read: false };
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        watch.read = true;
        controller.enqueue(new TextEncoder().encode(text));
        controller.close();
      },
    },
    { highWaterMark: 0 }, // pulled only when someone reads, not on construction
  );
  return { body, watch };
}

function post(
  app: ReturnType<typeof createApp>,
  body: ReadableStream<Uint8Array> | string,
  method = 'POST',
  path = '/events',
) {
  const length: Record<string, string> =
    typeof body === 'string' ? { 'Content-Length': String(Buffer.byteLength(body)) } : {};
  return app.request(path, {
    method,
    body: method === 'POST' ? body : null,
    headers: { 'Content-Type': 'application/json', 'X-Write-Key': TEST_KEY, Origin: 'https://shop.example', ...length },
    duplex: 'half', // undici needs it for a stream body
  });
}

describe('sinkGate() in the app', () => {
  it('answers 503 sink_unavailable + a spread Retry-After while the sink is down, without reading the body', async () => {
    let refusal: Refusal = { code: 'sink_down', message: 'the event store is unavailable (probe failed)' };
    const deps = testDeps({ sinkAdmission: () => refusal });
    const app = createApp(deps);
    const retryAfters = new Set<string>();
    for (let i = 0; i < 40; i++) {
      // Not even JSON: a 400 would mean the body was parsed before the refusal.
      const { body, watch } = watchedBody('not json at all');
      const res = await post(app, body);
      expect(res.status).toBe(503);
      expect(watch.read).toBe(false);
      expect(await res.json()).toMatchObject({ error: 'sink_unavailable' });
      expect(res.headers.get('Access-Control-Allow-Origin')).toBe('https://shop.example');
      retryAfters.add(res.headers.get('Retry-After')!);
    }
    expect(retryAfters.size).toBeGreaterThan(1);
    for (const s of retryAfters) expect(Number(s)).toBeGreaterThanOrEqual(3);
    expect(deps.sink.sends).toHaveLength(0);
    expect(await deps.registry.metrics()).toContain('clickstream_api_requests_shed_total{reason="sink_down"} 40');

    refusal = null;
    const res = await post(app, JSON.stringify([{ type: 'click' }]));
    expect(res.status).toBe(202);
  });

  it.each(['/v1/batch', '/batch/', '/e/'])('refuses %s (Segment, PostHog) before its body too', async (path) => {
    const deps = testDeps({ sinkAdmission: () => ({ code: 'sink_down', message: 'down' }) });
    const { body, watch } = watchedBody('not json at all');
    const res = await post(createApp(deps), body, 'POST', path);
    expect(res.status).toBe(503);
    expect(watch.read).toBe(false);
    expect(await res.json()).toMatchObject({ error: 'sink_unavailable' });
    expect(res.headers.get('Retry-After')).toMatch(/^[3-7]$/);
  });

  it('lengthens Retry-After with the outage, so a long outage does not end in one wave of retries', async () => {
    const app = createApp(
      testDeps({ sinkAdmission: () => ({ code: 'sink_down', message: 'down' }), sinkOutageSeconds: () => 40 }),
    );
    for (let i = 0; i < 20; i++) {
      const retryAfter = Number((await post(app, '[]')).headers.get('Retry-After'));
      expect(retryAfter).toBeGreaterThanOrEqual(10); // base 20 s, spread ±50 %
      expect(retryAfter).toBeLessThanOrEqual(30);
    }
  });

  it('answers 503 sink_busy while too many sends are in flight', async () => {
    const app = createApp(testDeps({ sinkAdmission: () => ({ code: 'sink_busy', message: '1000 writes in flight' }) }));
    const res = await post(app, JSON.stringify([{ type: 'click' }]));
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: 'sink_busy', message: expect.stringContaining('1000 writes') });
  });

  it('answers 503 sink_busy past maxPendingSends requests in flight, and lets the next one in once one ends', async () => {
    let release: () => void = () => {};
    const held = new Promise<void>((r) => (release = r));
    const deps = testDeps({ sinkAdmission: () => null, limits: { maxPendingSends: 2 } });
    const sendOk = deps.sink.send.bind(deps.sink);
    deps.sink.send = async (m) => {
      await held;
      return sendOk(m);
    };
    const app = createApp(deps);
    const body = JSON.stringify([{ type: 'click' }]);
    const first = [post(app, body), post(app, body)];
    await new Promise((r) => setTimeout(r, 20));
    const refused = await post(app, body);
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({ error: 'sink_busy', message: expect.stringContaining('2 requests') });
    release();
    expect((await Promise.all(first)).map((r) => r.status)).toEqual([202, 202]);
    expect((await post(app, body)).status).toBe(202);
  });

  it('counts body bytes in flight too: a big body past the byte cap waits its turn (a lone one always goes)', async () => {
    let release: () => void = () => {};
    const held = new Promise<void>((r) => (release = r));
    const deps = testDeps({ sinkAdmission: () => null, limits: { maxPendingBytes: 1500 } });
    const sendOk = deps.sink.send.bind(deps.sink);
    deps.sink.send = async (m) => {
      await held;
      return sendOk(m);
    };
    const app = createApp(deps);
    const big = JSON.stringify([{ type: 'click', payload: { note: 'x'.repeat(900) } }]);
    const first = post(app, big); // alone: let in although past the cap
    await new Promise((r) => setTimeout(r, 20));
    const refused = await post(app, big);
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({ error: 'sink_busy', message: expect.stringContaining('bytes') });
    // A small one still fits beside the big one.
    const small = post(app, JSON.stringify([{ type: 'click' }]));
    await new Promise((r) => setTimeout(r, 20));
    release();
    expect((await first).status).toBe(202);
    expect((await small).status).toBe(202);
  });

  it('answers 503 overloaded while the API is behind', async () => {
    const app = createApp(
      testDeps({ sinkAdmission: () => ({ code: 'overloaded', message: 'the collector is overloaded' }) }),
    );
    const res = await post(app, JSON.stringify([{ type: 'click' }]));
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: 'overloaded' });
  });

  it('lets CORS preflights through (the browser posts later, when the sink may be back)', async () => {
    const app = createApp(testDeps({ sinkAdmission: () => ({ code: 'sink_down', message: 'down' }) }));
    const res = await app.request(`/events?key=${TEST_KEY}`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://shop.example', 'Access-Control-Request-Method': 'POST' },
    });
    expect(res.status).toBe(204);
  });
});
