/**
 * The POST /events contract (every answer in api/README.md), one test per row, through
 * `app.request()` with no server: status AND body every time. This file: the refusals (4xx, 503).
 */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { TEST_KEY } from '../test/support/api-doubles.js';
import { event, json, NOW, ORIGIN, post, setup } from '../test/support/api-requests.js';

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
    expect(res.headers.get('Retry-After')).toMatch(/^[3-7]$/); // 5 s, spread ±50 %
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
      expect(res.headers.get('Retry-After')).toMatch(/^[3-7]$/);
      expect(await res.json()).toMatchObject({ error: 'sites_unavailable' });
    }
  });
});
