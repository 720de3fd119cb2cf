import { Hono } from 'hono';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { Site } from '../../deps.js';
import type { ApiEnv } from '../../env.js';
import { createErrorHandler } from '../../error-handler.js';
import { cors } from './index.js';

function setup(site: Site | undefined) {
  const app = new Hono<ApiEnv>();
  app.use(async (c, next) => {
    if (site) c.set('site', site);
    await next();
  });
  app.use(cors());
  app.post('/', (c) => c.json({ ok: true }));
  app.onError(createErrorHandler(pino({ level: 'silent' })));
  return app;
}
const site = (allowedOrigins: string[]): Site => ({ siteId: 's', name: 's', allowedOrigins });
const preflight = {
  method: 'OPTIONS',
  headers: { Origin: 'https://a.example', 'Access-Control-Request-Method': 'POST' },
};

describe('cors()', () => {
  it.each([
    ['exact', ['https://a.example'], 'https://a.example', 200],
    ['normalized config (case, default port, path)', ['https://A.example:443/shop/'], 'https://a.example', 200],
    ['wildcard', ['*'], 'https://anything.example', 200],
    ['other host', ['https://a.example'], 'https://b.example', 403],
    ['other scheme', ['https://a.example'], 'http://a.example', 403],
    ['other port', ['https://a.example'], 'https://a.example:8443', 403],
    ['the opaque "null" origin', ['https://a.example'], 'null', 403],
    ['"null" when listed', ['null'], 'null', 200],
  ])('%s', async (_name, allowed, origin, status) => {
    const res = await setup(site(allowed)).request('/', { method: 'POST', headers: { Origin: origin } });
    expect(res.status).toBe(status);
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe(status === 200 ? origin : null);
    if (status === 403) {
      expect(await res.json()).toEqual({
        error: 'origin_not_allowed',
        message: `origin ${JSON.stringify(origin)} is not allowed for this site`,
      });
    }
  });

  it('passes requests without Origin (server to server)', async () => {
    const res = await setup(site([])).request('/', { method: 'POST' });
    expect(res.status).toBe(200);
    expect(res.headers.get('Access-Control-Allow-Origin')).toBeNull();
  });

  it('answers a preflight from an allowed origin with 204 and the allow headers', async () => {
    const res = await setup(site(['https://a.example'])).request('/', preflight);
    expect(res.status).toBe(204);
    expect(Object.fromEntries(res.headers)).toMatchObject({
      'access-control-allow-origin': 'https://a.example',
      'access-control-allow-methods': 'POST, OPTIONS',
      'access-control-allow-headers': 'Content-Type, Content-Encoding, X-Write-Key, X-Request-Id',
      'access-control-expose-headers': 'Retry-After, X-Request-Id',
      'access-control-max-age': '600',
      vary: 'Origin',
    });
  });

  it('refuses a preflight from a foreign origin when the site is known', async () => {
    const res = await setup(site(['https://b.example'])).request('/', preflight);
    expect(res.status).toBe(403);
  });

  it('answers a keyless preflight (no site) with 204: the POST itself is checked', async () => {
    const res = await setup(undefined).request('/', preflight);
    expect(res.status).toBe(204);
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe('https://a.example');
  });
});
