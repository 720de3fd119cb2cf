import net from 'node:net';
import { Counter, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { findFreePort } from '../local/process-control.js';
import { listen, opsRoutes, startOpsServer } from './role-server.js';

describe('listen', () => {
  it('serves, and names the variable to change when the port is taken', async () => {
    const port = await findFreePort();
    const first = await listen(() => new Response('hello'), {
      role: 'api',
      host: '127.0.0.1',
      port,
      portVariable: 'API_PORT',
    });
    try {
      expect(first.url).toBe(`http://127.0.0.1:${port}`);
      expect(await (await fetch(first.url)).text()).toBe('hello');
      await expect(
        listen(() => new Response('again'), { role: 'api', host: '127.0.0.1', port, portVariable: 'API_PORT' }),
      ).rejects.toThrow(`api: cannot listen on 127.0.0.1:${port} (EADDRINUSE); set API_PORT`);
    } finally {
      await first.close();
    }
    // Closed for real: the port can be taken again.
    const again = await listen(() => new Response('x'), {
      role: 'api',
      host: '127.0.0.1',
      port,
      portVariable: 'API_PORT',
    });
    await again.close();
  });

  it('close() returns while a keep-alive client is connected', async () => {
    const port = await findFreePort();
    const server = await listen(() => new Response('ok'), { role: 't', host: '127.0.0.1', port, portVariable: 'T' });
    await (await fetch(server.url, { keepalive: true })).text();
    await server.close();
  });
});

/** A raw client: writes what it is told, records when the server closed it and what it answered. */
function rawClient(port: number) {
  const started = performance.now();
  const socket = net.connect(port, '127.0.0.1');
  const state = { answer: '', closedAfterMs: undefined as number | undefined };
  socket.on('data', (d) => (state.answer += d.toString()));
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) =>
    socket.on('close', () => {
      state.closedAfterMs = performance.now() - started;
      resolve();
    }),
  );
  return { socket, state, closed };
}

describe('listen with limits: slow clients are cut off', () => {
  const limits = { headersTimeoutMs: 600, requestTimeoutMs: 1200, keepAliveTimeoutMs: 500, maxConnections: 20 };
  const echo = async (request: Request) => new Response(`got ${(await request.text()).length} bytes`);

  it('closes a connection trickling its body after the request timeout while other clients are served', async () => {
    const port = await findFreePort();
    const server = await listen(echo, { role: 'api', host: '127.0.0.1', port, portVariable: 'API_PORT' }, limits);
    try {
      const trickler = rawClient(port);
      trickler.socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n');
      const drip = setInterval(() => trickler.socket.write('a'), 100);
      // Normal traffic meanwhile: answered at once.
      for (let i = 0; i < 5; i++) {
        const res = await fetch(server.url, { method: 'POST', body: 'x'.repeat(1000) });
        expect(await res.text()).toBe('got 1000 bytes');
      }
      await trickler.closed;
      clearInterval(drip);
      expect(trickler.state.answer).toMatch(/^HTTP\/1.1 408/);
      // Cut within the limit plus Node's 1 s check period (and scheduling slack on a busy box).
      expect(trickler.state.closedAfterMs).toBeGreaterThanOrEqual(limits.requestTimeoutMs - 50);
      expect(trickler.state.closedAfterMs).toBeLessThan(limits.requestTimeoutMs + 3000);
    } finally {
      await server.close();
    }
  });

  it('closes slow headers and silent connections after the headers timeout', async () => {
    const port = await findFreePort();
    const server = await listen(echo, { role: 'api', host: '127.0.0.1', port, portVariable: 'API_PORT' }, limits);
    try {
      const silent = rawClient(port);
      const slow = rawClient(port);
      slow.socket.write('POST / HTTP/1.1\r\nHost: x\r\n');
      const drip = setInterval(() => slow.socket.write('X-Slow: 1\r\n'), 100);
      await Promise.all([silent.closed, slow.closed]);
      clearInterval(drip);
      for (const c of [silent, slow]) {
        expect(c.state.closedAfterMs).toBeGreaterThanOrEqual(limits.headersTimeoutMs - 50);
        expect(c.state.closedAfterMs).toBeLessThan(limits.headersTimeoutMs + 3000);
      }
    } finally {
      await server.close();
    }
  });

  it.each([
    ['sends nothing', '', limits.headersTimeoutMs],
    ['stops in the middle of its headers', 'POST / HTTP/1.1\r\nHost: x\r\n', limits.headersTimeoutMs],
    [
      'stops in the middle of its body',
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc',
      limits.requestTimeoutMs,
    ],
  ])('closes a client that %s with a 408', async (_name, sent, limit) => {
    const port = await findFreePort();
    const server = await listen(echo, { role: 'api', host: '127.0.0.1', port, portVariable: 'API_PORT' }, limits);
    try {
      const client = rawClient(port);
      if (sent) client.socket.write(sent);
      await client.closed;
      expect(client.state.answer).toMatch(/^HTTP\/1.1 408/);
      expect(client.state.closedAfterMs).toBeGreaterThanOrEqual(limit - 50);
      expect(client.state.closedAfterMs).toBeLessThan(limit + 3000);
    } finally {
      await server.close();
    }
  });

  it('gives a keep-alive connection the idle allowance plus the limits for its next request', async () => {
    const port = await findFreePort();
    const server = await listen(echo, { role: 'api', host: '127.0.0.1', port, portVariable: 'API_PORT' }, limits);
    try {
      const client = rawClient(port);
      client.socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
      await new Promise((r) => setTimeout(r, 300));
      expect(client.state.answer).toMatch(/^HTTP\/1.1 200/);
      client.socket.write('POST / HTTP/1.1\r\nHost: x\r\n'); // the next request, then quiet
      await client.closed;
      expect(client.state.closedAfterMs).toBeLessThan(limits.keepAliveTimeoutMs + limits.headersTimeoutMs + 3000);
    } finally {
      await server.close();
    }
  });

  it('closes connections beyond maxConnections on arrival; the ones it holds still work', async () => {
    const port = await findFreePort();
    const server = await listen(
      echo,
      { role: 'api', host: '127.0.0.1', port, portVariable: 'API_PORT' },
      { ...limits, headersTimeoutMs: 5000, requestTimeoutMs: 5000, maxConnections: 3 },
    );
    try {
      const held = [rawClient(port), rawClient(port), rawClient(port)];
      await new Promise((r) => setTimeout(r, 200));
      const extra = rawClient(port);
      await extra.closed;
      expect(extra.state.closedAfterMs).toBeLessThan(1000);
      held[0]!.socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
      await new Promise((r) => setTimeout(r, 200));
      expect(held[0]!.state.answer).toMatch(/^HTTP\/1.1 200/);
      for (const c of held) c.socket.destroy();
    } finally {
      await server.close();
    }
  });
});

describe('opsRoutes', () => {
  const registry = new Registry();
  const scrapes = new Counter({ name: 'test_scrapes_total', help: 'scrapes', registers: [registry] });

  it('/healthz follows isHealthy', async () => {
    let healthy = true;
    const app = opsRoutes({ registry, isHealthy: () => healthy });
    expect((await app.request('/healthz')).status).toBe(200);
    healthy = false;
    const res = await app.request('/healthz');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'unhealthy' });
  });

  it('/readyz follows the readiness report and names what is not ready', async () => {
    let report = { ready: true, dependencies: { kafka: { ok: true, detail: 'holds 4 partitions' } } };
    const app = opsRoutes({ registry, isHealthy: () => true, readiness: () => report });
    expect(await (await app.request('/readyz')).json()).toEqual({ status: 'ready', dependencies: report.dependencies });
    report = { ready: false, dependencies: { kafka: { ok: false, detail: 'rebalancing' } } };
    const res = await app.request('/readyz');
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: 'not_ready', reason: 'kafka: rebalancing' });
    expect((await opsRoutes({ registry, isHealthy: () => true }).request('/readyz')).status).toBe(404);
  });

  it('/metrics runs beforeScrape, then serves the registry as Prometheus text', async () => {
    const app = opsRoutes({ registry, isHealthy: () => true, beforeScrape: () => scrapes.inc() });
    await app.request('/metrics');
    const res = await app.request('/metrics');
    expect(res.headers.get('Content-Type')).toBe(registry.contentType);
    expect(await res.text()).toContain('test_scrapes_total 2');
  });

  it('startOpsServer serves both on their own address', async () => {
    const port = await findFreePort();
    const ops = await startOpsServer(
      { role: 'consumer', host: '127.0.0.1', port, portVariable: 'CONSUMER_PORT' },
      { registry, isHealthy: () => true },
    );
    try {
      expect((await fetch(`${ops.url}/healthz`)).status).toBe(200);
      expect(await (await fetch(`${ops.url}/metrics`)).text()).toContain('test_scrapes_total');
      expect((await fetch(`${ops.url}/events`)).status).toBe(404);
    } finally {
      await ops.close();
    }
  });
});
