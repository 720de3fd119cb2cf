/**
 * The PostHog endpoints' contract through `app.request()` (no server): each answer and each
 * bad input, with what reached the sink.
 */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../app.js';
import { TEST_KEY, testDeps } from '../../../test/support/api-doubles.js';

const NOW = Date.parse('2025-06-01T12:00:00.000Z');
const ORIGIN = 'https://shop.example';
const UUID = '01a233c2-646a-7476-94f3-acd351d19b48';

function setup() {
  const deps = testDeps({ now: () => NOW });
  return { deps, sink: deps.sink, app: createApp(deps) };
}
type App = ReturnType<typeof createApp>;
const send = (app: App, path: string, body: unknown, headers: Record<string, string> = {}) =>
  app.request(path, {
    method: 'POST',
    body: typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body),
    headers: { 'Content-Type': 'application/json', ...headers },
  });
/** What reached the sink, read back with the consumer's parser: each event with its request's facts. */
const sent = (sink: ReturnType<typeof setup>['sink']) => sink.events.map(({ event, facts }) => ({ ...facts, event }));

const capture = (over: Record<string, unknown> = {}) => ({
  event: 'Order Completed',
  distinct_id: 'u1',
  uuid: UUID,
  timestamp: '2025-06-01T11:59:00.000Z',
  properties: { revenue: 42 },
  ...over,
});

describe('PostHog: accepted', () => {
  it('POST /batch/ as posthog-node sends it (gzip, api_key, sent_at): 200 {"status": 1}', async () => {
    const { app, sink } = setup();
    const body = {
      api_key: TEST_KEY,
      batch: [capture(), capture({ event: '$pageview', uuid: undefined })],
      sent_at: '2025-06-01T11:59:30.000Z',
    };
    const res = await send(app, '/batch/', gzipSync(JSON.stringify(body)), { 'Content-Encoding': 'gzip' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 1 });
    const messages = sent(sink);
    expect(sink.sends).toHaveLength(1);
    expect(messages.map((m) => m.event.type)).toEqual(['order_completed', 'pageview']);
    expect(messages[0]).toMatchObject({
      sent_at: '2025-06-01T11:59:30.000Z',
      event: { event_id: UUID, user_id: 'u1' },
    });
  });

  it('POST /e/ as posthog-js sends it: text/plain gzip, key in properties.token, send time in ?_=', async () => {
    const { app, sink } = setup();
    const event = capture({
      distinct_id: undefined,
      properties: { token: TEST_KEY, distinct_id: 'd1', $device_id: 'd1' },
    });
    const res = await send(app, `/e/?compression=gzip-js&_=${NOW - 60_000}`, gzipSync(JSON.stringify([event])), {
      'Content-Type': 'text/plain',
      Origin: ORIGIN,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe(ORIGIN);
    expect(sent(sink)[0]).toMatchObject({ sent_at: '2025-06-01T11:59:00.000Z', event: { anonymous_id: 'd1' } });
  });

  it.each([
    ['/capture/ with one event', '/capture/', { api_key: TEST_KEY, ...capture() }],
    ['/capture without the slash', '/capture', { api_key: TEST_KEY, ...capture() }],
    ['/e/ with {"data": [...]}', '/e/', { data: [capture({ properties: { token: TEST_KEY } })] }],
    ['/i/v0/e/ (where PostHog cloud points posthog-js)', '/i/v0/e/', [capture({ properties: { token: TEST_KEY } })]],
    ['?token= in the URL', `/batch?token=${TEST_KEY}`, { batch: [capture()] }],
  ])('%s', async (_name, path, body) => {
    const { app, sink } = setup();
    const res = await send(app, path, body);
    expect(res.status).toBe(200);
    expect(sent(sink)).toHaveLength(1);
  });

  it('a bad event in a good batch is refused alone; an event of another project too', async () => {
    const { app, sink, deps } = setup();
    const res = await send(app, '/batch/', {
      api_key: TEST_KEY,
      batch: [capture(), { event: 'x' }, capture({ properties: { token: 'phc_other' } })],
    });
    expect(res.status).toBe(200);
    expect(sent(sink)).toHaveLength(1);
    const metric = await deps.registry.getSingleMetricAsString('clickstream_api_events_rejected_total');
    expect(metric).toContain('reason="posthog_missing_id"} 1');
    expect(metric).toContain('reason="posthog_other_token"} 1');
  });
});

describe('PostHog: refused requests', () => {
  it.each([
    ['no key', { batch: [capture()] }, 401, 'missing_write_key'],
    ['an unknown key', { api_key: 'phc_nope', batch: [capture()] }, 401, 'unknown_write_key'],
    ['an unknown shape', { api_key: TEST_KEY, events: [] }, 400, 'invalid_batch'],
    ['a bad sent_at', { api_key: TEST_KEY, batch: [capture()], sent_at: 'now' }, 400, 'invalid_batch'],
    [
      'a batch over the limit',
      { api_key: TEST_KEY, batch: Array.from({ length: 2001 }, () => capture()) },
      413,
      'batch_too_large',
    ],
    ['nothing valid', { api_key: TEST_KEY, batch: [{ event: 'x' }] }, 400, 'no_valid_events'],
  ])('%s: %i %s', async (_name, body, status, error) => {
    const { app, sink } = setup();
    const res = await send(app, '/batch/', body);
    expect(res.status).toBe(status);
    expect(await res.json()).toMatchObject({ error, message: expect.any(String) });
    expect(sink.sends).toHaveLength(0);
  });

  it('a form-encoded body (posthog-js before gzip) is a 415 that says what to send', async () => {
    const res = await setup().app.request('/e/', {
      method: 'POST',
      body: 'data=eyJ9',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(415);
  });
});

describe('PostHog: start-up answers', () => {
  it.each(['/flags/?v=2', '/flags', '/decide/?v=4'])('POST %s: no flags, readable from the page', async (path) => {
    const res = await setup().app.request(path, { method: 'POST', body: 'x', headers: { Origin: ORIGIN } });
    expect(res.status).toBe(200);
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe(ORIGIN);
    expect(await res.json()).toMatchObject({
      featureFlags: {},
      errorsWhileComputingFlags: false,
      sessionRecording: false,
    });
  });

  it('GET /array/<token>/config and config.js', async () => {
    const { app } = setup();
    const json = await app.request(`/array/${TEST_KEY}/config`, { headers: { Origin: ORIGIN } });
    expect(json.status).toBe(200);
    expect(json.headers.get('Access-Control-Allow-Origin')).toBe(ORIGIN);
    expect(await json.json()).toMatchObject({
      token: TEST_KEY,
      supportedCompression: ['gzip', 'gzip-js'],
      surveys: false,
    });
    const script = await app.request(`/array/${TEST_KEY}/config.js`);
    expect(script.headers.get('Content-Type')).toBe('application/javascript; charset=utf-8');
    const window: { _POSTHOG_REMOTE_CONFIG?: Record<string, { config: { token: string } }> } = {};
    new Function('window', await script.text())(window);
    expect(window._POSTHOG_REMOTE_CONFIG?.[TEST_KEY]?.config.token).toBe(TEST_KEY);
  });

  it('400 for a token no key could be', async () => {
    const res = await setup().app.request(`/array/${'x'.repeat(300)}/config`);
    expect(res.status).toBe(400);
  });
});
