import { Writable } from 'node:stream';
import { Hono } from 'hono';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { ApiEnv } from '../../env.js';
import { createErrorHandler } from '../../error-handler.js';
import { ApiError } from '../../errors.js';
import { createApiMetrics } from '../../metrics.js';
import { requestId } from '../request-id/index.js';
import { accessLog } from './index.js';

function setup() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino(
    { level: 'debug' },
    new Writable({
      write(chunk, _e, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    }),
  );
  const registry = new Registry();
  const app = new Hono<ApiEnv>();
  app.use(requestId({ generator: () => 'rid' }));
  app.use(accessLog({ logger, metrics: createApiMetrics(registry), routes: ['/ok', '/bad'] }));
  app.get('/ok', (c) => c.text('ok'));
  app.get('/bad', () => {
    throw new ApiError(418, 'teapot', 'no');
  });
  app.onError(createErrorHandler(logger));
  return { app, lines, registry };
}

describe('accessLog()', () => {
  it('logs one http_request line per request, with the level following the status', async () => {
    const { app, lines } = setup();
    await app.request('/ok');
    await app.request('/bad');
    expect(lines.map((l) => [l.msg, l.level, l.status, l.route, l.request_id])).toEqual([
      ['http_request', 20, 200, '/ok', 'rid'],
      ['http_request', 30, 418, '/bad', 'rid'],
    ]);
  });

  it('counts requests with bounded route and method labels', async () => {
    const { app, registry } = setup();
    await app.request('/ok');
    await app.request('/some/random/path');
    await app.request('/ok', { method: 'WHATEVER' });
    const text = await registry.metrics();
    expect(text).toContain('clickstream_api_requests_total{route="/ok",method="GET",status="200"} 1');
    expect(text).toContain('clickstream_api_requests_total{route="other",method="GET",status="404"} 1');
    expect(text).toContain('clickstream_api_requests_total{route="/ok",method="OTHER",status="404"} 1');
  });
});
