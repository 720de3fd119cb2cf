/**
 * Ceiling (c): a Hono app that does only what the real POST /events does before any
 * validation: the same JSON body middleware (content type, size limit, UTF-8, JSON.parse)
 * then a 202. The gap between it and the real API is validation, site lookup, rate limits
 * and the Kafka produce.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { DEFAULT_API_LIMITS } from '../api/limits.js';
import type { ApiEnv } from '../api/env.js';
import { jsonBody } from '../api/middleware/body/index.js';

export interface NoopServer {
  url: string;
  stop(): Promise<void>;
}

export async function startNoopServer(): Promise<NoopServer> {
  const app = new Hono<ApiEnv>();
  app.post('/events', jsonBody({ maxBytes: DEFAULT_API_LIMITS.maxBodyBytes }), (c) => {
    const body = c.get('body') as unknown[] | { batch?: unknown[] };
    const events = Array.isArray(body) ? body : (body.batch ?? []);
    return c.json({ accepted: events.length, rejected: [] }, 202);
  });
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as import('node:http').Server).closeAllConnections?.();
      }),
  };
}
