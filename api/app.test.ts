/**
 * The POST /events contract (every answer in api/README.md), one test per row, through
 * `app.request()` with no server: status AND body every time.
 */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createApp } from './app.js';
import type { ApiDeps } from './deps.js';
import { visitorId } from '../lib/visitor-id.js';
import { TEST_KEY, testDeps } from '../test/support/api-doubles.js';

const NOW = Date.parse('2025-06-01T12:00:00.000Z');
const ORIGIN = 'https://shop.example';

const event = (over: Record<string, unknown> = {}) => ({
  type: 'click',
  session_id: 'user-session-1001',
  user_id: 1001,
  url: '/catalog?foo=bar',
  created_at: '2025-06-01T11:59:00Z',
  user_agent: 'Mozilla/5.0 (Linux; Android 7.1.1)',
  payload: { event_title: 'checkout', element_id: '#submit-button', x: 445, y: 315 },
  ...over,
});

function setup(over: Partial<ApiDeps> = {}) {
  const deps = testDeps({ now: () => NOW, ...over });
  return { deps, sink: deps.sink, app: createApp(deps) };
}

type Init = { body?: RequestInit['body']; headers?: Record<string, string>; method?: string; env?: unknown };
function post(
  app: ReturnType<typeof createApp>,
  path: string,
  { body, headers = {}, method = 'POST', env }: Init = {},
) {
  return app.request(
    path,
    {
      method,
      body: body ?? null,
      headers: { 'Content-Type': 'application/json', 'X-Write-Key': TEST_KEY, ...headers },
    },
    env as never,
  );
}
const json = (v: unknown) => JSON.stringify(v);

describe('POST /events: 202', () => {
  it('accepts a valid batch with one sink.send and answers only after it', async () => {
    const { app, sink } = setup();
    const res = await post(app, '/events', {
      body: json([
        event(),
        event({ type: 'pageview', session_id: undefined, user_id: undefined, anonymous_id: 'anon-7' }),
      ]),
      headers: { 'User-Agent': 'curl/8' },
    });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: 2, rejected: [] });
    expect(sink.sends).toHaveLength(1);
    expect(sink.sends[0]).toHaveLength(1); // one request part holding both events
    const [first, second] = sink.events;
    expect(first?.facts).toMatchObject({
      site_id: 'site-1',
      received_at: '2025-06-01T12:00:00.000Z',
      sent_at: null,
      request_ua: 'curl/8',
      request_id: res.headers.get('X-Request-Id'),
      visitor_hash: visitorId({ salt: 'test-salt', siteId: 'site-1', ip: 'unknown', userAgent: 'curl/8' }),
    });
    expect(first?.event).toMatchObject({
      type: 'click',
      user_id: '1001',
      created_at: '2025-06-01T11:59:00.000Z',
      payload: { x: 445, y: 315 },
      extra: {},
    });
    expect(first?.event.event_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(second?.event).toMatchObject({ type: 'pageview', anonymous_id: 'anon-7' });
    // The second event has its own user agent and no user id: it gets a visitor hash of its own.
    expect(second?.event.visitor_hash).toBe(
      visitorId({
        salt: 'test-salt',
        siteId: 'site-1',
        ip: 'unknown',
        userAgent: 'Mozilla/5.0 (Linux; Android 7.1.1)',
      }),
    );
    // A known user is its own visitor: no per-event hash.
    expect(first?.event.visitor_hash).toBeUndefined();
  });

  it('takes {batch, sent_at}, keeps unknown fields under extra, defaults user_agent to the header', async () => {
    const { app, sink } = setup();
    const body = {
      batch: [event({ user_agent: undefined, plan: 'pro', event_id: 'C5F1B1F4-0C36-4F0B-9C39-0D1B0C4B8F00' })],
      sent_at: '2025-06-01T12:00:00Z',
    };
    const res = await post(app, '/events', { body: json(body), headers: { 'User-Agent': 'UA/1' } });
    expect(res.status).toBe(202);
    const [{ event: sent, facts }] = sink.events as [(typeof sink.events)[number]];
    expect(sent).toMatchObject({ event_id: 'c5f1b1f4-0c36-4f0b-9c39-0d1b0c4b8f00', extra: { plan: 'pro' } });
    // No user_agent of its own: the consumer takes the request's (not copied into every event).
    expect(sent.user_agent).toBeUndefined();
    expect(facts.request_ua).toBe('UA/1');
    expect(facts.sent_at).toBe('2025-06-01T12:00:00.000Z');
  });

  it('takes sendBeacon: text/plain with ?key=, and gzip', async () => {
    const { app, sink } = setup();
    const beacon = await app.request(`/events?key=${TEST_KEY}`, {
      method: 'POST',
      body: json([event()]),
      headers: { 'Content-Type': 'text/plain;charset=UTF-8' },
    });
    expect(beacon.status).toBe(202);
    const gz = await post(app, '/events', { body: gzipSync(json([event()])), headers: { 'Content-Encoding': 'gzip' } });
    expect(gz.status).toBe(202);
    expect(await gz.json()).toEqual({ accepted: 1, rejected: [] });
    expect(sink.sends).toHaveLength(2);
  });

  it('hashes the client IP into the visitor hash and writes it nowhere; X-Forwarded-For only with trustProxy', async () => {
    const env = { incoming: { socket: { remoteAddress: '::ffff:10.0.0.9' } } };
    const anon = json([event({ session_id: undefined, user_id: undefined, user_agent: undefined })]);
    const hashOf = (ip: string) => visitorId({ salt: 'test-salt', siteId: 'site-1', ip, userAgent: 'UA/2' });
    const headers = { 'X-Forwarded-For': '203.0.113.7', 'User-Agent': 'UA/2' };
    const plain = setup();
    await post(plain.app, '/events', { body: anon, env, headers });
    expect(plain.sink.events[0]?.facts.visitor_hash).toBe(hashOf('10.0.0.9'));
    const proxied = setup({ trustProxy: true });
    await post(proxied.app, '/events', {
      body: anon,
      env,
      headers: { ...headers, 'X-Forwarded-For': '203.0.113.7, 10.0.0.1' },
    });
    expect(proxied.sink.events[0]?.facts.visitor_hash).toBe(hashOf('203.0.113.7'));
    for (const text of [...plain.sink.sends.flat(), ...proxied.sink.sends.flat()]) {
      expect(text).not.toContain('10.0.0.9');
      expect(text).not.toContain('203.0.113.7');
    }
  });

  it("503 salt_unavailable when the day's visitor salt cannot be loaded, and nothing is sent", async () => {
    const { app, sink } = setup({ salts: { saltFor: () => Promise.reject(new Error('postgres down')) } });
    const res = await post(app, '/events', { body: json([event()]) });
    expect(res.status).toBe(503);
    expect(res.headers.get('Retry-After')).toMatch(/^\d+$/);
    expect(await res.json()).toMatchObject({ error: 'salt_unavailable' });
    expect(sink.sends).toHaveLength(0);
  });

  it('splits a request too big for one record over several parts, in order', async () => {
    const { app, sink } = setup();
    const big = Array.from({ length: 500 }, (_, i) =>
      event({ payload: { event_title: 't'.repeat(500), n: i }, url: `/${'p'.repeat(500)}` }),
    );
    const res = await post(app, '/events', { body: json(big) });
    expect(res.status).toBe(202);
    expect(sink.sends[0]!.length).toBeGreaterThan(1);
    for (const part of sink.sends[0]!) expect(part.length).toBeLessThanOrEqual(256 * 1024);
    expect(sink.events.map((e) => e.event.payload.n)).toEqual(big.map((_, i) => i));
  });

  it('partial 202: valid events go through, rejected ones come back with index and paths', async () => {
    const { app, sink } = setup();
    const batch = [
      event(),
      event({ type: 'no spaces allowed', payload: { x: 'left' } }),
      event({ created_at: '2025-06-01T14:00:00Z' }),
      'not an event',
      event({ session_id: 'x'.repeat(129) }),
    ];
    const res = await post(app, '/events', { body: json(batch) });
    expect(res.status).toBe(202);
    const body = (await res.json()) as {
      accepted: number;
      rejected: Array<{ index: number; errors: Array<{ path: string }> }>;
    };
    expect(body.accepted).toBe(1);
    expect(body.rejected.map((r) => [r.index, r.errors.map((e) => e.path)])).toEqual([
      [1, ['type', 'payload.x']],
      [2, ['created_at']],
      [3, ['']],
      [4, ['session_id']],
    ]);
    expect(JSON.stringify(body)).toContain('in the future');
    expect(sink.events).toHaveLength(1);
  });
});

describe('POST /events: refusals', () => {
  it('400 malformed JSON, saying where', async () => {
    const { app } = setup();
    const res = await post(app, '/events', { body: '[{"type": "click",}\n]' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: 'malformed_json',
      message:
        'malformed JSON at line 1 column 19 (position 18): unexpected character "}", expected a double-quoted property name',
      line: 1,
      column: 19,
      position: 18,
    });
  });

  it.each([
    ['an empty batch', [], 'the batch is empty', []],
    [
      'no valid event',
      [{ type: '' }],
      'none of the 1 events is valid; see rejected',
      [{ index: 0, errors: [{ path: 'type', message: expect.any(String) }] }],
    ],
  ])('400 nothing valid: %s', async (_name, batch, message, rejected) => {
    const { app, sink } = setup();
    const res = await post(app, '/events', { body: json(batch) });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'no_valid_events', message, accepted: 0, rejected });
    expect(sink.sends).toHaveLength(0);
  });

  it('400 when the body is not an array nor {batch}', async () => {
    const { app } = setup();
    const res = await post(app, '/events', { body: json(event()) });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      error: 'invalid_batch',
      message: expect.stringContaining('JSON array of events'),
    });
  });

  it.each([
    ['missing', {}, 'missing_write_key'],
    ['unknown', { 'X-Write-Key': 'wk_nope' }, 'unknown_write_key'],
  ])('401 %s write key', async (_name, headers, error) => {
    const { app } = setup();
    const res = await app.request('/events', {
      method: 'POST',
      body: json([event()]),
      headers: { 'Content-Type': 'application/json', ...headers },
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error, message: expect.stringMatching(/write key/) });
  });

  it('403 for a foreign Origin; the allowed one gets Access-Control-Allow-Origin; no Origin is fine', async () => {
    const { app } = setup();
    const foreign = await post(app, '/events', { body: json([event()]), headers: { Origin: 'https://evil.example' } });
    expect(foreign.status).toBe(403);
    expect(await foreign.json()).toEqual({
      error: 'origin_not_allowed',
      message: 'origin "https://evil.example" is not allowed for this site',
    });
    // The refusal is readable by the page (so an SDK stops instead of retrying); a 202 is not.
    expect(foreign.headers.get('Access-Control-Allow-Origin')).toBe('https://evil.example');
    const allowed = await post(app, '/events', { body: json([event()]), headers: { Origin: ORIGIN } });
    expect(allowed.status).toBe(202);
    expect(allowed.headers.get('Access-Control-Allow-Origin')).toBe(ORIGIN);
  });

  it('CORS preflight: checked when ?key= names the site, permissive without a key', async () => {
    const { app } = setup();
    const preflight = (path: string, origin: string) =>
      app.request(path, {
        method: 'OPTIONS',
        headers: {
          Origin: origin,
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'content-type,x-write-key',
        },
      });
    const ok = await preflight(`/events?key=${TEST_KEY}`, ORIGIN);
    expect(ok.status).toBe(204);
    expect(await ok.text()).toBe('');
    expect(ok.headers.get('Access-Control-Allow-Origin')).toBe(ORIGIN);
    expect(ok.headers.get('Access-Control-Allow-Methods')).toBe('POST, OPTIONS');
    expect(ok.headers.get('Access-Control-Allow-Headers')).toContain('X-Write-Key');
    const foreign = await preflight(`/events?key=${TEST_KEY}`, 'https://evil.example');
    expect(foreign.status).toBe(403);
    expect(await foreign.json()).toMatchObject({ error: 'origin_not_allowed' });
    const keyless = await preflight('/events', 'https://evil.example');
    expect(keyless.status).toBe(204);
  });

  it('413 body too large, by Content-Length and by streamed count', async () => {
    const { app } = setup({ limits: { maxBodyBytes: 1000 } });
    const big = json([event({ payload: { note: 'x'.repeat(2000) } })]);
    const res = await post(app, '/events', { body: big });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({
      error: 'body_too_large',
      message: 'body is larger than the limit of 1000 bytes',
    });
    const stream = new Blob([big]).stream(); // no Content-Length
    const streamed = await app.request('/events', {
      method: 'POST',
      body: stream,
      duplex: 'half',
      headers: { 'Content-Type': 'application/json', 'X-Write-Key': TEST_KEY },
    } as RequestInit);
    expect(streamed.status).toBe(413);
  });

  it('413 too many events in a batch', async () => {
    const { app, sink } = setup();
    const res = await post(app, '/events', { body: json(Array.from({ length: 501 }, () => event())) });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({
      error: 'batch_too_large',
      message: 'batch has 501 events, at most 500 are allowed per request',
    });
    expect(sink.sends).toHaveLength(0);
  });

  it('413 gzip bomb, refused on decompressed size without inflating it', async () => {
    const { app } = setup();
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20)); // 64 MiB of spaces in ~64 KiB
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const before = process.memoryUsage().arrayBuffers;
    const res = await post(app, '/events', { body: bomb, headers: { 'Content-Encoding': 'gzip' } });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({
      error: 'body_too_large',
      message: 'decompressed body is larger than the limit of 1048576 bytes',
    });
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 * 1024 * 1024);
  });

  it('400 broken gzip', async () => {
    const { app } = setup();
    const res = await post(app, '/events', {
      body: gzipSync(json([event()])).subarray(0, 20),
      headers: { 'Content-Encoding': 'gzip' },
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      error: 'invalid_gzip',
      message: expect.stringContaining('not valid gzip'),
    });
  });

  it.each([
    [
      'form data',
      { 'Content-Type': 'application/x-www-form-urlencoded' },
      'unsupported_media_type',
      'Content-Type must be application/json or text/plain, got "application/x-www-form-urlencoded"',
    ],
    [
      'latin-1',
      { 'Content-Type': 'text/plain; charset=iso-8859-1' },
      'unsupported_media_type',
      'charset must be utf-8, got "iso-8859-1"',
    ],
    [
      'brotli',
      { 'Content-Encoding': 'br' },
      'unsupported_encoding',
      'Content-Encoding "br" is not supported: send gzip or no encoding',
    ],
  ])('415 %s', async (_name, headers, error, message) => {
    const { app } = setup();
    const res = await post(app, '/events', { body: json([event()]), headers });
    expect(res.status).toBe(415);
    expect(await res.json()).toEqual({ error, message });
  });

  it('429 + Retry-After per client IP, and per site', async () => {
    let now = NOW;
    const { app } = setup({
      now: () => now,
      limits: { rateLimit: { perIp: { burst: 2, perSecond: 0.5 }, perKey: { burst: 3, perSecond: 1 } } },
    });
    const from = (ip: string) => ({ incoming: { socket: { remoteAddress: ip } } });
    const send = (ip: string) => post(app, '/events', { body: json([event()]), env: from(ip) });
    expect((await send('1.1.1.1')).status).toBe(202);
    expect((await send('1.1.1.1')).status).toBe(202);
    const limited = await send('1.1.1.1');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('Retry-After')).toBe('2');
    expect(await limited.json()).toEqual({
      error: 'rate_limited',
      message: 'too many requests for this client IP, retry after 2 s',
    });
    expect((await send('2.2.2.2')).status).toBe(202); // 3rd token of the site
    const site = await send('3.3.3.3');
    expect(site.status).toBe(429);
    expect(await site.json()).toMatchObject({ message: 'too many requests for this write key, retry after 1 s' });
    now += 2000;
    expect((await send('1.1.1.1')).status).toBe(202);
  });

  it.each([
    ['rejects', 'reject', 'the event store is unavailable; nothing was accepted, retry later'],
    ['throws synchronously', 'throw', 'the event store is unavailable; nothing was accepted, retry later'],
    ['hangs past produceTimeoutMs', 'hang', expect.stringContaining('did not acknowledge within 50 ms')],
  ] as const)('503 + Retry-After when the sink %s', async (_name, behaviour, message) => {
    const { app, sink } = setup({ limits: { produceTimeoutMs: 50 } });
    sink.behaviour = behaviour;
    const started = performance.now();
    const res = await post(app, '/events', { body: json([event()]), headers: { Origin: ORIGIN } });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(res.status).toBe(503);
    expect(res.headers.get('Retry-After')).toBe('5');
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe(ORIGIN); // the SDK can read it
    expect(await res.json()).toEqual({ error: 'sink_unavailable', message });
  });

  it('503 when the site store fails or hangs (the key may be valid)', async () => {
    const failing = setup({ sites: { resolve: () => Promise.reject(new Error('pg down')) } }).app;
    const hanging = setup({
      sites: { resolve: () => new Promise(() => undefined) },
      limits: { resolveTimeoutMs: 30 },
    }).app;
    for (const app of [failing, hanging]) {
      const res = await post(app, '/events', { body: json([event()]) });
      expect(res.status).toBe(503);
      expect(res.headers.get('Retry-After')).toBe('5');
      expect(await res.json()).toMatchObject({ error: 'sites_unavailable' });
    }
  });
});
