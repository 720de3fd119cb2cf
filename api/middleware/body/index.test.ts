import { gzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { ApiEnv } from '../../env.js';
import { createErrorHandler } from '../../error-handler.js';
import { jsonBody } from './index.js';

function setup(maxBytes = 1024) {
  const app = new Hono<ApiEnv>();
  app.post('/', jsonBody({ maxBytes }), (c) => c.json({ body: c.get('body') }));
  app.onError(createErrorHandler(pino({ level: 'silent' })));
  return app;
}
const send = (body: RequestInit['body'], headers: Record<string, string> = {}, maxBytes?: number) =>
  setup(maxBytes).request('/', {
    method: 'POST',
    body,
    headers: { 'Content-Type': 'application/json', ...headers },
    duplex: 'half',
  } as RequestInit);

/** A gzip stream that never ends: the same 1 MiB-of-zeros member, forever. */
function endlessGzip() {
  const member = gzipSync(Buffer.alloc(1024 * 1024)); // ~1 KiB
  const state = { pulls: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      state.pulls++;
      controller.enqueue(member);
    },
    cancel() {
      state.cancelled = true;
    },
  });
  return { stream, state };
}

describe('jsonBody()', () => {
  it.each([
    ['application/json', 'application/json'],
    ['text/plain (sendBeacon)', 'text/plain;charset=UTF-8'],
    ['quoted charset', 'application/json; charset="utf-8"'],
    ['upper case', 'Application/JSON'],
  ])('parses %s', async (_name, contentType) => {
    const res = await send('[1]', { 'Content-Type': contentType });
    expect(await res.json()).toEqual({ body: [1] });
  });

  it.each([
    ['no Content-Type', undefined, 'Content-Type must be application/json or text/plain, got none'],
    [
      'form',
      'application/x-www-form-urlencoded',
      'Content-Type must be application/json or text/plain, got "application/x-www-form-urlencoded"',
    ],
    [
      'multipart',
      'multipart/form-data; boundary=x',
      'Content-Type must be application/json or text/plain, got "multipart/form-data; boundary=x"',
    ],
    ['utf-16', 'application/json; charset=utf-16', 'charset must be utf-8, got "utf-16"'],
  ])('415 for %s', async (_name, contentType, message) => {
    // A Uint8Array body: a string body would get an automatic text/plain Content-Type.
    const res = await setup().request('/', {
      method: 'POST',
      body: Buffer.from('[]'),
      headers: contentType ? { 'Content-Type': contentType } : {},
    });
    expect(res.status).toBe(415);
    expect(await res.json()).toEqual({ error: 'unsupported_media_type', message });
  });

  it.each(['br', 'deflate', 'gzip, br'])('415 for Content-Encoding %s', async (encoding) => {
    const res = await send('[]', { 'Content-Encoding': encoding });
    expect(res.status).toBe(415);
    expect(await res.json()).toMatchObject({ error: 'unsupported_encoding' });
  });

  it.each(['gzip', 'x-gzip', 'GZIP'])('inflates Content-Encoding %s', async (encoding) => {
    const res = await send(gzipSync('[{"a":1}]'), { 'Content-Encoding': encoding });
    expect(await res.json()).toEqual({ body: [{ a: 1 }] });
  });

  it('inflates concatenated gzip members', async () => {
    const res = await send(Buffer.concat([gzipSync('[1,'), gzipSync('2]')]), { 'Content-Encoding': 'gzip' });
    expect(await res.json()).toEqual({ body: [1, 2] });
  });

  it('413 when the plain body is over the limit, also when streamed without Content-Length', async () => {
    const big = `[${'1,'.repeat(600)}1]`;
    for (const body of [big, new Blob([big]).stream()]) {
      const res = await send(body);
      expect(res.status).toBe(413);
      expect(await res.json()).toEqual({
        error: 'body_too_large',
        message: 'body is larger than the limit of 1024 bytes',
      });
    }
  });

  it('counts the limit on decompressed bytes: small gzip, big JSON is 413', async () => {
    const res = await send(gzipSync(`[${' '.repeat(5000)}]`), { 'Content-Encoding': 'gzip' });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({
      error: 'body_too_large',
      message: 'decompressed body is larger than the limit of 1024 bytes',
    });
  });

  it('stops reading an endless gzip bomb after the limit', async () => {
    const { stream, state } = endlessGzip();
    const res = await send(stream, { 'Content-Encoding': 'gzip' }, 4 * 1024 * 1024);
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ message: 'decompressed body is larger than the limit of 4194304 bytes' });
    // 5 members reach the limit; the rest is stream read-ahead, then cancel. The read-ahead
    // depends on the Node version (~40 pulls on Node 20, ~130 on Node 24): what matters is
    // that an endless stream stops, with only compressed bytes buffered.
    expect(state.pulls).toBeLessThan(256);
    expect(state.cancelled).toBe(true);
  });

  it.each([
    ['truncated', gzipSync('[1,2,3]').subarray(0, 12)],
    ['not gzip at all', Buffer.from('[1,2,3]')],
    ['empty', Buffer.alloc(0)],
  ])('400 invalid_gzip for %s gzip', async (_name, body) => {
    const res = await send(body, { 'Content-Encoding': 'gzip' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      error: 'invalid_gzip',
      message: expect.stringMatching(/^body is not valid gzip: /),
    });
  });

  it('repairs lone surrogate escapes in strings and keys to U+FFFD', async () => {
    const res = await send('[{"a\\ud800": "\\udc00x", "ok": "\\ud83d\\ude00"}]');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ body: [{ 'a\ufffd': '\ufffdx', ok: '😀' }] });
  });

  it('400 for invalid UTF-8; a BOM is fine', async () => {
    const bad = await send(Buffer.from([0x5b, 0x22, 0xff, 0x22, 0x5d]));
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({
      error: 'invalid_utf8',
      message: 'body is not valid UTF-8 (decoding fails at byte offset 2)',
      position: 2,
    });
    // Offsets count bytes: é is two. C3 starts a character, 28 cannot continue it: offset 9.
    const later = await send(Buffer.concat([Buffer.from('["é", "'), Buffer.from([0xc3, 0x28]), Buffer.from('"]')]));
    expect(await later.json()).toMatchObject({ position: 9 });
    const bom = await send(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('[true]')]));
    expect(await bom.json()).toEqual({ body: [true] });
  });

  it.each([null, '', '  \n'])('400 empty_body for %j', async (body) => {
    const res = await send(body);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'empty_body', message: 'body is empty: send a JSON array of events' });
  });

  it.each([
    ['[1,2', 1, 5, "unexpected end of input, expected ',' or ']'"],
    ['[\n  {"a": 1},\n  {"b" 2}\n]', 3, 8, 'unexpected character "2", expected \':\' after property name'],
    ['[1,]', 1, 4, 'unexpected character "]", expected a JSON value'],
    ["[{'a': 1}]", 1, 3, 'unexpected character "\'", expected a double-quoted property name'],
    ['[1] [2]', 1, 5, 'unexpected character "[", expected end of input after the JSON value'],
  ])('400 malformed_json with line and column: %j', async (text, line, column, what) => {
    const res = await send(text);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; message: string; line: number; column: number };
    expect(body).toMatchObject({ error: 'malformed_json', line, column });
    expect(body.message).toMatch(new RegExp(`^malformed JSON at line ${line} column ${column} \\(position \\d+\\): `));
    expect(body.message.endsWith(what)).toBe(true);
  });

  describe('a text/plain body that starts with the gzip magic bytes (a beacon cannot set Content-Encoding)', () => {
    const plain = { 'Content-Type': 'text/plain;charset=UTF-8' };

    it('is inflated and parsed', async () => {
      const res = await send(gzipSync('[{"type":"click"}]'), plain);
      expect(await res.json()).toEqual({ body: [{ type: 'click' }] });
    });

    it('413 past the limit after inflating (a small gzip bomb)', async () => {
      const res = await send(gzipSync(Buffer.alloc(4096, 0x20)), plain, 1024);
      expect(res.status).toBe(413);
      expect(await res.json()).toMatchObject({
        error: 'body_too_large',
        message: expect.stringContaining('decompressed'),
      });
    });

    it('400 invalid_gzip when it only looks like gzip', async () => {
      const res = await send(Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x01, 0x02]), plain);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toBe('invalid_gzip');
    });

    it('is not sniffed for application/json (0x1f is not JSON: a 400 as before)', async () => {
      const res = await send(gzipSync('[1]'));
      expect(res.status).toBe(400);
    });
  });
});

describe('jsonBody() over a real socket (the Node request, read directly)', () => {
  async function withServer(maxBytes: number, run: (url: string) => Promise<void>) {
    const { serve } = await import('@hono/node-server');
    const server = serve({ fetch: setup(maxBytes).fetch, hostname: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => server.once('listening', resolve));
    const { port } = server.address() as import('node:net').AddressInfo;
    try {
      await run(`http://127.0.0.1:${port}/`);
    } finally {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as import('node:http').Server).closeAllConnections?.();
      });
    }
  }
  const post = (url: string, body: RequestInit['body'], headers: Record<string, string> = {}) =>
    fetch(url, {
      method: 'POST',
      body,
      headers: { 'Content-Type': 'application/json', ...headers },
      duplex: 'half',
    } as RequestInit);

  it('parses a body sent in many chunks', async () => {
    await withServer(1024, async (url) => {
      const parts = ['[{"a":', '1},', '{"b":"ü"}]'].map((p) => new TextEncoder().encode(p));
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          const next = parts.shift();
          if (next) controller.enqueue(next);
          else controller.close();
        },
      });
      const res = await post(url, stream);
      expect(await res.json()).toEqual({ body: [{ a: 1 }, { b: 'ü' }] });
    });
  });

  it('413 for a streamed body past the limit (no Content-Length), then serves the next request', async () => {
    await withServer(1024, async (url) => {
      let sent = 0;
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          sent += 512;
          if (sent > 64 * 1024) controller.close();
          else controller.enqueue(new Uint8Array(512).fill(0x20));
        },
      });
      const res = await post(url, stream);
      expect(res.status).toBe(413);
      expect(await res.json()).toMatchObject({ error: 'body_too_large' });
      const next = await post(url, '[2]');
      expect(await next.json()).toEqual({ body: [2] });
    });
  });

  it('survives a client that disconnects mid-body', async () => {
    await withServer(1024, async (url) => {
      const { port, hostname } = new URL(url);
      const net = await import('node:net');
      await new Promise<void>((resolve) => {
        const socket = net.connect(Number(port), hostname, () => {
          socket.write(
            'POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n[1,',
          );
          setTimeout(() => socket.destroy(), 50);
        });
        socket.on('close', () => resolve());
        socket.on('error', () => resolve());
      });
      const res = await post(url, '[3]');
      expect(await res.json()).toEqual({ body: [3] });
    });
  });
});
