import { Hono } from 'hono';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { ApiEnv } from '../../env.js';
import { createErrorHandler } from '../../error-handler.js';
import { createTokenBuckets } from '../../token-bucket.js';
import { rateLimit } from './index.js';

function setup() {
  let now = 0;
  const buckets = createTokenBuckets({ burst: 2, perSecond: 0.25 }, 100, () => now);
  const app = new Hono<ApiEnv>();
  app.use(rateLimit({ buckets, keyOf: (c) => c.req.header('X-Who'), scope: 'caller' }));
  app.get('/', (c) => c.text('ok'));
  app.onError(createErrorHandler(pino({ level: 'silent' })));
  const call = (who?: string) => app.request('/', { headers: who ? { 'X-Who': who } : {} });
  return { call, advance: (ms: number) => (now += ms) };
}

describe('rateLimit()', () => {
  it('lets a burst through, then answers 429 with Retry-After until a token is back', async () => {
    const { call, advance } = setup();
    expect((await call('a')).status).toBe(200);
    expect((await call('a')).status).toBe(200);
    const limited = await call('a');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('Retry-After')).toBe('4'); // 1 token at 0.25/s
    expect(await limited.json()).toEqual({
      error: 'rate_limited',
      message: 'too many requests for this caller, retry after 4 s',
    });
    expect((await call('b')).status).toBe(200); // buckets are per key
    advance(4000);
    expect((await call('a')).status).toBe(200);
  });

  it('skips requests whose key is undefined', async () => {
    const { call } = setup();
    for (let i = 0; i < 5; i++) expect((await call()).status).toBe(200);
  });
});
