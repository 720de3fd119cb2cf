import { Hono } from 'hono';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { ApiEnv } from '../../env.js';
import { createErrorHandler } from '../../error-handler.js';
import { ApiError } from '../../errors.js';
import { corsErrors } from './index.js';

function setup() {
  const app = new Hono<ApiEnv>();
  app.use(corsErrors());
  app.post('/refuse/:status', (c) => {
    throw new ApiError(Number(c.req.param('status')) as 401, 'refused', 'no', { headers: { 'Retry-After': '3' } });
  });
  app.post('/ok', (c) => c.json({ ok: true }, 202));
  app.post('/allowed', (c) => {
    c.header('Access-Control-Allow-Origin', 'https://shop.example');
    throw new ApiError(503, 'down', 'later');
  });
  app.onError(createErrorHandler(pino({ level: 'silent' })));
  return app;
}
const post = (path: string, origin?: string) =>
  setup().request(path, { method: 'POST', headers: origin ? { Origin: origin } : {} });

describe('corsErrors()', () => {
  it.each([400, 401, 403, 413, 429, 503])('lets the page read a %i (and its Retry-After)', async (status) => {
    const res = await post(`/refuse/${status}`, 'https://any.example');
    expect(res.status).toBe(status);
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe('https://any.example');
    expect(res.headers.get('Access-Control-Expose-Headers')).toContain('Retry-After');
    expect(res.headers.get('Vary')).toContain('Origin');
  });

  it('leaves successes to cors(): a 202 gets nothing from it', async () => {
    expect((await post('/ok', 'https://any.example')).headers.get('Access-Control-Allow-Origin')).toBeNull();
  });

  it('keeps what cors() already set, and adds nothing without an Origin', async () => {
    const set = await post('/allowed', 'https://shop.example');
    expect(set.headers.get('Access-Control-Allow-Origin')).toBe('https://shop.example');
    expect((await post('/refuse/401')).headers.get('Access-Control-Allow-Origin')).toBeNull();
  });
});
