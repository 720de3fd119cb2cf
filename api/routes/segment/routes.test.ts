/**
 * The Segment endpoints' contract through `app.request()` (no server): each answer and each
 * bad input, with what reached the sink.
 */
import { gzipSync } from 'node:zlib';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../app.js';
import type { ApiDeps } from '../../deps.js';
import { TEST_KEY, testDeps } from '../../../test/support/api-doubles.js';
import { eventIdFromMessageId } from '../compat/event-id.js';

const NOW = Date.parse('2025-06-01T12:00:00.000Z');
const BASIC = `Basic ${Buffer.from(`${TEST_KEY}:`).toString('base64')}`;

function setup(over: Partial<ApiDeps> = {}) {
  const logs: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => logs.push(JSON.parse(line)) });
  const deps = testDeps({ now: () => NOW, logger, ...over });
  return { deps, sink: deps.sink, logs, app: createApp(deps) };
}
type App = ReturnType<typeof createApp>;
const send = (app: App, path: string, body: unknown, headers: Record<string, string> = {}) =>
  app.request(path, {
    method: 'POST',
    body: typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body),
    headers: { 'Content-Type': 'application/json', Authorization: BASIC, ...headers },
  });
/** What reached the sink, read back with the consumer's parser: each event with its request's facts. */
const sent = (sink: ReturnType<typeof setup>['sink']) => sink.events.map(({ event, facts }) => ({ ...facts, event }));

const track = (over: Record<string, unknown> = {}) => ({
  type: 'track',
  event: 'Order Completed',
  userId: 'u1',
  messageId: 'node-next-1-a',
  timestamp: '2025-06-01T11:59:00.000Z',
  properties: { revenue: 42 },
  ...over,
});

describe('Segment: accepted', () => {
  it('POST /v1/batch: 200 {"success": true}; every message mapped, in one send, with sentAt', async () => {
    const { app, sink } = setup();
    const res = await send(app, '/v1/batch', {
      batch: [
        track(),
        { type: 'page', anonymousId: 'a1', messageId: 'm2', properties: { url: 'https://shop.example/' } },
        { type: 'identify', userId: 'u1', anonymousId: 'a1', messageId: 'm3', traits: { plan: 'pro' } },
        { type: 'alias', userId: 'u1', previousId: 'a0', messageId: 'm4' },
      ],
      sentAt: '2025-06-01T11:59:30.000Z',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ success: true });
    expect(sink.sends).toHaveLength(1);
    const messages = sent(sink);
    expect(messages.map((m) => [m.event.type, m.event.user_id, m.event.anonymous_id])).toEqual([
      ['order_completed', 'u1', undefined],
      ['pageview', undefined, 'a1'],
      ['identify', 'u1', 'a1'],
      ['identify', 'u1', 'a0'],
    ]);
    expect(messages[0]).toMatchObject({
      site_id: 'site-1',
      sent_at: '2025-06-01T11:59:30.000Z',
      event: {
        event_id: eventIdFromMessageId('site-1', 'node-next-1-a'),
        created_at: '2025-06-01T11:59:00.000Z',
        payload: { revenue: 42, event: 'Order Completed' },
      },
    });
  });

  it.each([
    ['/v1/track', track()],
    ['/v1/t', track()],
    ['/v1/page', { anonymousId: 'a1', properties: { url: '/home' } }],
    ['/v1/p', { anonymousId: 'a1', properties: { url: '/home' } }],
    ['/v1/screen', { userId: 'u1', name: 'Home' }],
    ['/v1/s', { userId: 'u1', name: 'Home' }],
    ['/v1/identify', { userId: 'u1', anonymousId: 'a1' }],
    ['/v1/i', { userId: 'u1', anonymousId: 'a1' }],
    ['/v1/group', { userId: 'u1', groupId: 'g' }],
    ['/v1/g', { userId: 'u1', groupId: 'g' }],
    ['/v1/alias', { userId: 'u1', previousId: 'a1' }],
    ['/v1/a', { userId: 'u1', previousId: 'a1' }],
  ])('POST %s: a single message, the call named by the path', async (path, message) => {
    const { app, sink } = setup();
    const res = await send(app, path, { ...message, type: 'ignored-here', sentAt: '2025-06-01T11:59:59Z' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ success: true });
    expect(sent(sink)).toHaveLength(1);
    expect(sent(sink)[0]?.sent_at).toBe('2025-06-01T11:59:59.000Z');
  });

  it('takes the key from the body writeKey (analytics-next from a browser, text/plain) and gzip bodies', async () => {
    const { app, sink } = setup();
    const plain = await send(
      app,
      '/v1/t',
      { ...track(), writeKey: TEST_KEY },
      {
        Authorization: '',
        'Content-Type': 'text/plain',
      },
    );
    expect(plain.status).toBe(200);
    const gzip = await send(app, '/v1/batch', gzipSync(JSON.stringify({ batch: [track()] })), {
      'Content-Encoding': 'gzip',
    });
    expect(gzip.status).toBe(200);
    expect(sent(sink)).toHaveLength(2);
    expect(JSON.stringify(sent(sink)[0])).not.toContain(TEST_KEY);
  });

  it('context.ip feeds the visitor hash behind a trusted proxy only, and only when it is an IP', async () => {
    const withIp = (ip: string) => track({ userId: undefined, anonymousId: 'a1', messageId: ip, context: { ip } });
    const hashes = async (trustProxy: boolean) => {
      const { app, sink } = setup({ trustProxy });
      await send(app, '/v1/batch', { batch: [withIp('203.0.113.9'), withIp('203.0.113.10'), withIp('not an ip')] });
      expect(JSON.stringify(sent(sink))).not.toContain('203.0.113');
      return sent(sink).map((m) => m.event.visitor_hash ?? m.visitor_hash);
    };
    const trusted = await hashes(true);
    // Each named IP is its own visitor; an invalid one falls back to the request's.
    expect(new Set(trusted).size).toBe(3);
    const untrusted = await hashes(false);
    expect(new Set(untrusted).size).toBe(1);
    expect(untrusted[0]).toBe(trusted[2]);
  });

  it("a client's retry of the same messageId gets the same event_id (stored once)", async () => {
    const { app, sink } = setup();
    await send(app, '/v1/batch', { batch: [track()] });
    await send(app, '/v1/batch', { batch: [track()] });
    const [first, retry] = sent(sink);
    expect(first?.event.event_id).toBe(retry?.event.event_id);
  });

  it('takes properties up to 32 KiB and 256 keys (our own endpoint stops at 8 KiB and 64)', async () => {
    const { app, sink } = setup();
    const big = { blob: 'x'.repeat(30 * 1024) };
    const many = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`k${i}`, i]));
    const res = await send(app, '/v1/batch', { batch: [track({ properties: big }), track({ properties: many })] });
    expect(res.status).toBe(200);
    expect(sent(sink)).toHaveLength(2);
  });
});

describe('Segment: a bad message in a good batch', () => {
  it('is refused alone: the rest is accepted, 200, the refusal counted and logged with its index', async () => {
    const { app, sink, logs, deps } = setup();
    const res = await send(app, '/v1/batch', {
      batch: [
        track(),
        { type: 'track', userId: 'u1' }, // no event name: refused by the mapping
        track({ messageId: 'm3', timestamp: 'yesterday' }), // refused by validation
        track({ messageId: 'm4', properties: { blob: 'x'.repeat(40 * 1024) } }), // over 32 KiB
      ],
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ success: true });
    expect(sent(sink)).toHaveLength(1);
    const line = logs.find((l) => l.msg === 'compat_events_rejected') ?? {};
    expect(line).toMatchObject({ source: 'segment', site_id: 'site-1', accepted: 1, rejected: 3 });
    const first = line.first as Array<{ index: number; errors: Array<{ path: string }> }>;
    expect(first.map((r) => [r.index, r.errors[0]?.path])).toEqual([
      [1, 'event'],
      [2, 'created_at'],
      [3, 'payload'],
    ]);
    const metric = await deps.registry.getSingleMetricAsString('clickstream_api_events_rejected_total');
    expect(metric).toContain('reason="segment_missing_event"} 1');
    expect(metric).toContain('reason="invalid_created_at"} 1');
    expect(metric).toContain('reason="payload_too_large"} 1');
  });

  it('400 no_valid_events when no message is valid, indexes in the client batch', async () => {
    const { app, sink } = setup();
    const res = await send(app, '/v1/batch', { batch: [{ type: 'track', userId: 'u' }, track({ timestamp: 'x' })] });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; message: string; rejected: Array<{ index: number }> };
    expect(body).toMatchObject({ error: 'no_valid_events', message: 'none of the 2 events is valid; see rejected' });
    expect(body.rejected.map((r) => r.index)).toEqual([0, 1]);
    expect(sink.sends).toHaveLength(0);
  });

  it('400 for a single call whose message is too large, with the reason', async () => {
    const { app } = setup();
    const res = await send(app, '/v1/track', track({ properties: { blob: 'x'.repeat(40 * 1024) } }));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      error: 'no_valid_events',
      rejected: [{ index: 0, errors: [{ path: 'payload', message: 'is larger than 32768 bytes as JSON' }] }],
    });
  });
});

describe('Segment: refused requests', () => {
  it.each([
    ['no key at all', 401, 'missing_write_key', { Authorization: '' }],
    ['an unknown key', 401, 'unknown_write_key', { Authorization: `Basic ${Buffer.from('nope:').toString('base64')}` }],
    ['Basic auth that holds no key', 401, 'missing_write_key', { Authorization: 'Basic ###' }],
    [
      'a key with spaces',
      401,
      'unknown_write_key',
      { Authorization: `Basic ${Buffer.from('a b:').toString('base64')}` },
    ],
  ])('%s: %i %s', async (_name, status, error, headers) => {
    const { app, sink } = setup();
    const res = await send(app, '/v1/batch', { batch: [track()] }, headers);
    expect(res.status).toBe(status);
    expect(await res.json()).toMatchObject({ error });
    expect(sink.sends).toHaveLength(0);
  });

  it('the 401 says where the key goes', async () => {
    const res = await send(setup().app, '/v1/batch', { batch: [track()] }, { Authorization: '' });
    expect(await res.json()).toEqual({
      error: 'missing_write_key',
      message: 'missing write key: send Authorization: Basic base64(writeKey + ":") or a "writeKey" field in the body',
    });
  });

  it.each([
    ['a batch over the event limit', { batch: Array.from({ length: 2001 }, () => track()) }, 413, 'batch_too_large'],
    ['a body over 1 MiB', { batch: [track({ properties: { blob: 'x'.repeat(1_100_000) } })] }, 413, 'body_too_large'],
    ['no batch array', { messages: [] }, 400, 'invalid_batch'],
    ['a bare array', [track()], 400, 'invalid_batch'],
    ['a bad sentAt', { batch: [track()], sentAt: 'soon' }, 400, 'invalid_batch'],
    ['an empty batch', { batch: [] }, 400, 'no_valid_events'],
    ['malformed JSON', '{"batch": [', 400, 'malformed_json'],
  ])('%s: %i %s', async (_name, body, status, error) => {
    const { app, sink } = setup();
    const res = await send(app, '/v1/batch', body);
    expect(res.status).toBe(status);
    expect(await res.json()).toMatchObject({ error, message: expect.any(String) });
    expect(sink.sends).toHaveLength(0);
  });

  it('503 + Retry-After when the sink is down, nothing counted as accepted', async () => {
    const { app, sink } = setup();
    sink.behaviour = 'reject';
    const res = await send(app, '/v1/batch', { batch: [track()] });
    expect(res.status).toBe(503);
    expect(res.headers.get('Retry-After')).toMatch(/^[3-7]$/); // 5 s, spread ±50 %
    expect(await res.json()).toMatchObject({ error: 'sink_unavailable' });
  });

  it('429 + Retry-After past the per-site budget, shared with /events', async () => {
    const { app } = setup({ limits: { rateLimit: { perKey: { burst: 1, perSecond: 0.5 } } } });
    expect((await send(app, '/v1/batch', { batch: [track()] })).status).toBe(200);
    const limited = await send(app, '/v1/batch', { batch: [track()] });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('Retry-After')).toBe('2');
  });
});

describe('Segment: browsers', () => {
  const ORIGIN = 'https://shop.example';

  it('answers the preflight analytics-next sends (Authorization, X-Retry-Count)', async () => {
    const res = await setup().app.request('/v1/t', {
      method: 'OPTIONS',
      headers: {
        Origin: ORIGIN,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization,x-retry-count',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe(ORIGIN);
    expect(res.headers.get('Access-Control-Allow-Headers')).toContain('Authorization');
    expect(res.headers.get('Access-Control-Allow-Headers')).toContain('X-Retry-Count');
  });

  it("allows the site's origins only", async () => {
    const { app } = setup();
    const ok = await send(app, '/v1/t', track(), { Origin: ORIGIN, 'Content-Type': 'text/plain' });
    expect(ok.headers.get('Access-Control-Allow-Origin')).toBe(ORIGIN);
    const foreign = await send(app, '/v1/t', track(), { Origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
  });

  it('GET /v1/projects/<writeKey>/settings points analytics-next at this collector', async () => {
    const res = await setup().app.request(`http://collector.example:8080/v1/projects/${TEST_KEY}/settings`, {
      headers: { Origin: ORIGIN },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe(ORIGIN);
    const settings = (await res.json()) as { integrations: Record<string, unknown>; metrics: unknown };
    expect(Object.keys(settings.integrations)).toEqual(['Segment.io']);
    expect(settings.integrations['Segment.io']).toMatchObject({
      apiKey: TEST_KEY,
      apiHost: 'collector.example:8080/v1',
      protocol: 'http',
    });
    expect(settings.metrics).toEqual({ sampleRate: 0 });
  });

  it('settings behind a trusted proxy name the public host and scheme; an unknown key is 401', async () => {
    const { app } = setup({ trustProxy: true });
    const res = await app.request(`http://10.0.0.5:8080/v1/projects/${TEST_KEY}/settings`, {
      headers: { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'collect.shop.example' },
    });
    expect(((await res.json()) as { integrations: Record<string, unknown> }).integrations['Segment.io']).toMatchObject({
      apiHost: 'collect.shop.example/v1',
      protocol: 'https',
    });
    expect((await app.request('/v1/projects/nope/settings')).status).toBe(401);
  });
});
