import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { ApiEnv } from '../../env.js';
import { requestId } from './index.js';

function app(options?: Parameters<typeof requestId>[0]) {
  const a = new Hono<ApiEnv>();
  a.use(requestId(options));
  a.get('/', (c) => c.text(c.get('requestId')));
  return a;
}

describe('requestId()', () => {
  it('generates an id, exposes it on the context and in X-Request-Id', async () => {
    const res = await app({ generator: () => 'gen-1' }).request('/');
    expect(await res.text()).toBe('gen-1');
    expect(res.headers.get('X-Request-Id')).toBe('gen-1');
  });

  it('generates UUIDs by default', async () => {
    const res = await app().request('/');
    expect(res.headers.get('X-Request-Id')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it.each([
    ['keeps a safe incoming id', 'lb-abc_123=', 'lb-abc_123='],
    ['replaces one with unsafe characters', 'a b<script>', 'gen'],
    ['replaces one that is too long', 'x'.repeat(129), 'gen'],
    ['replaces an empty one', '', 'gen'],
  ])('%s', async (_name, incoming, expected) => {
    const res = await app({ generator: () => 'gen' }).request('/', { headers: { 'X-Request-Id': incoming } });
    expect(await res.text()).toBe(expected);
  });
});
