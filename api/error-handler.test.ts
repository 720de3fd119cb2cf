import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createApp } from './app.js';
import { TEST_KEY, TEST_SITE, staticSites, testDeps } from '../test/support/api-doubles.js';

describe('error answers', () => {
  it('404 and 405 in the JSON error shape', async () => {
    const app = createApp(testDeps());
    const missing = await app.request('/nope');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'not_found', message: 'no route for GET /nope' });
    const get = await app.request('/events', { headers: { 'X-Write-Key': TEST_KEY } });
    expect(get.status).toBe(405);
    expect(get.headers.get('Allow')).toBe('POST, OPTIONS');
    expect(await get.json()).toEqual({
      error: 'method_not_allowed',
      message: 'GET is not allowed on /events: use POST',
    });
  });

  it('500 only for a genuine bug, logged with the request id', async () => {
    const lines: string[] = [];
    const logger = pino(
      { level: 'error' },
      new Writable({
        write(chunk, _enc, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    // A resolver breaking its contract (allowedOrigins not an array) is a bug, not a client error.
    const sites = staticSites({ [TEST_KEY]: { ...TEST_SITE, allowedOrigins: null as unknown as string[] } });
    const app = createApp(testDeps({ logger, sites }));
    const res = await app.request('/events', {
      method: 'POST',
      body: '[{"type":"click"}]',
      headers: {
        'Content-Type': 'application/json',
        'X-Write-Key': TEST_KEY,
        Origin: 'https://shop.example',
        'X-Request-Id': 'req-42',
      },
    });
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({
      error: 'internal_error',
      message: 'internal error (a bug on our side, not in your request); it was logged with this request id',
      request_id: 'req-42',
    });
    expect(lines.some((l) => l.includes('"request_id":"req-42"') && l.includes('unhandled_error'))).toBe(true);
  });

  it('refuses an invalid limit at construction, naming it', () => {
    expect(() => createApp(testDeps({ limits: { maxBodyBytes: 0 } }))).toThrow(
      'api limit maxBodyBytes must be a positive number, got 0',
    );
    expect(() => createApp(testDeps({ limits: { rateLimit: { perIp: { burst: Number.NaN } } } }))).toThrow(
      'api limit rateLimit.perIp.burst must be a positive number, got NaN',
    );
  });
});
