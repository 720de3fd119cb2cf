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
