import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { ApiEnv } from '../../env.js';
import { clientIp } from './index.js';

async function ipOf(trustProxy: boolean, headers: Record<string, string>, remoteAddress?: string) {
  const app = new Hono<ApiEnv>();
  app.use(clientIp({ trustProxy }));
  app.get('/', (c) => c.text(c.get('clientIp')));
  const env = remoteAddress === undefined ? undefined : { incoming: { socket: { remoteAddress } } };
  const res = await app.request('/', { headers }, env);
  return res.text();
}

describe('clientIp()', () => {
  it.each([
    ['socket address', false, {}, '192.0.2.1', '192.0.2.1'],
    ['IPv4-mapped IPv6 as IPv4', false, {}, '::ffff:192.0.2.1', '192.0.2.1'],
    ['IPv6 lower-cased', false, {}, '2001:DB8::1', '2001:db8::1'],
    ['no address known', false, {}, undefined, 'unknown'],
    [
      'X-Forwarded-For ignored without trustProxy',
      false,
      { 'X-Forwarded-For': '203.0.113.5' },
      '192.0.2.1',
      '192.0.2.1',
    ],
    [
      'left-most X-Forwarded-For with trustProxy',
      true,
      { 'X-Forwarded-For': ' 203.0.113.5 , 10.0.0.1' },
      '192.0.2.1',
      '203.0.113.5',
    ],
    [
      'garbage X-Forwarded-For falls back to the socket',
      true,
      { 'X-Forwarded-For': 'hello, 10.0.0.1' },
      '192.0.2.1',
      '192.0.2.1',
    ],
  ] as const)('%s', async (_name, trust, headers, remote, expected) => {
    expect(await ipOf(trust, headers, remote)).toBe(expected);
  });
});
