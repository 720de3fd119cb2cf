import { Hono } from 'hono';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { SiteResolver } from '../../deps.js';
import type { ApiEnv } from '../../env.js';
import { createErrorHandler } from '../../error-handler.js';
import { TEST_KEY, TEST_SITE, staticSites } from '../../../test/support/api-doubles.js';
import { writeKey } from './index.js';

function setup(sites: SiteResolver = staticSites({ [TEST_KEY]: TEST_SITE })) {
  const app = new Hono<ApiEnv>();
  app.use(writeKey({ sites, timeoutMs: 30, retryAfterSeconds: 7 }));
  app.all('/', (c) => c.json({ site: c.get('site')?.siteId ?? null }));
  app.onError(createErrorHandler(pino({ level: 'silent' })));
  return app;
}

describe('writeKey()', () => {
  it.each([
    ['the X-Write-Key header', '/', { 'X-Write-Key': TEST_KEY }],
    ['the ?key= parameter (sendBeacon)', `/?key=${TEST_KEY}`, {}],
  ])('resolves the site from %s', async (_name, path, headers) => {
    const res = await setup().request(path, { method: 'POST', headers });
    expect(await res.json()).toEqual({ site: 'site-1' });
  });

  it.each([
    [
      'missing',
      {},
      {
        error: 'missing_write_key',
        message: 'missing write key: send the X-Write-Key header or the ?key= query parameter',
      },
    ],
    [
      'unknown',
      { 'X-Write-Key': 'wk_other' },
      { error: 'unknown_write_key', message: 'the write key is unknown or revoked' },
    ],
    [
      'implausible (never looked up)',
      { 'X-Write-Key': 'has spaces in it' },
      { error: 'unknown_write_key', message: 'the write key is unknown or revoked' },
    ],
  ])('401 for a %s key', async (_name, headers, body) => {
    const res = await setup().request('/', { method: 'POST', headers });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual(body);
  });

  it('does not look up implausible keys', async () => {
    const sites = staticSites({});
    await setup(sites).request('/', { method: 'POST', headers: { 'X-Write-Key': 'x'.repeat(300) } });
    expect(sites.lookups).toBe(0);
  });

  it('lets a keyless OPTIONS through without a site (preflights carry no custom headers)', async () => {
    const res = await setup().request('/', { method: 'OPTIONS' });
    expect(await res.json()).toEqual({ site: null });
  });

  it.each([
    ['rejects', { resolve: () => Promise.reject(new Error('pg down')) }],
    [
      'throws',
      {
        resolve: () => {
          throw new Error('bug');
        },
      },
    ],
    ['hangs', { resolve: () => new Promise<null>(() => undefined) }],
  ])('503 + Retry-After when the resolver %s', async (_name, sites) => {
    const res = await setup(sites as SiteResolver).request('/', {
      method: 'POST',
      headers: { 'X-Write-Key': TEST_KEY },
    });
    expect(res.status).toBe(503);
    expect(res.headers.get('Retry-After')).toBe('7');
    expect(await res.json()).toEqual({
      error: 'sites_unavailable',
      message: 'the write key could not be checked right now, retry later',
    });
  });
});
