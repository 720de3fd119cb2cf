/**
 * The POST /events contract (every answer in api/README.md), one test per row, through
 * `app.request()` with no server: status AND body every time. This file: what is accepted (202); the refusals are in app-refusals.test.ts.
 */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { visitorId } from '../lib/visitor-id.js';
import { TEST_KEY } from '../test/support/api-doubles.js';
import { event, json, post, setup } from '../test/support/api-requests.js';

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
