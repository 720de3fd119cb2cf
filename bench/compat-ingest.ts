/**
 * Micro-benchmark: what the Segment and PostHog wire formats cost over POST /events, in
 * the API process alone (the app through `app.request()`, a sink that only records).
 *
 *   npx tsx bench/compat-ingest.ts [batches] [eventsPerBatch]
 *
 * Sends the same number of events, in batches of the same size, three ways: our own
 * events to /events, analytics-next-shaped messages to /v1/batch, posthog-js-shaped events
 * (with their ~40 `$` properties) to /batch/. Prints events/s and µs per event of each, and
 * the request body sizes. Not a test: numbers depend on the machine; compare the rows of
 * one run.
 */
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { createApp } from '../api/app.js';
import type { EventSink } from '../api/deps.js';
import { staticSalts } from '../api/salt-cache.js';

const BATCHES = Number(process.argv[2] ?? 400);
const PER_BATCH = Number(process.argv[3] ?? 20);
const KEY = 'wk_bench_0123456789';
const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36';

const sink: EventSink = { send: async () => undefined };
const app = createApp({
  sink,
  sites: { resolve: async (key) => (key === KEY ? { siteId: 'bench', name: 'bench', allowedOrigins: ['*'] } : null) },
  salts: staticSalts('bench-salt'),
  logger: pino({ level: 'silent' }),
  registry: new Registry(),
  limits: { rateLimit: { perKey: { burst: 1e9, perSecond: 1e9 }, perIp: { burst: 1e9, perSecond: 1e9 } } },
});

const now = () => new Date().toISOString();
const url = (i: number) => `https://shop.example/p/${i % 300}?utm_source=news`;

function ours(i: number) {
  return {
    event_id: crypto.randomUUID(),
    type: i % 2 ? 'pageview' : 'add_to_cart',
    anonymous_id: `anon-${i % 1000}`,
    session_id: `s-${i % 500}`,
    url: url(i),
    created_at: now(),
    user_agent: UA,
    payload: { revenue: 42, sku: `sku-${i}` },
  };
}

function segment(i: number) {
  const page = { path: `/p/${i % 300}`, referrer: '', search: '?utm_source=news', title: 'Shop', url: url(i) };
  return {
    timestamp: now(),
    integrations: {},
    ...(i % 2
      ? { type: 'page', properties: page }
      : { type: 'track', event: 'Add To Cart', properties: { revenue: 42, sku: `sku-${i}` } }),
    context: {
      page,
      userAgent: UA,
      locale: 'en-US',
      library: { name: 'analytics.js', version: 'npm:next-1.84.3' },
      timezone: 'UTC',
    },
    messageId: `ajs-next-${Date.now()}-${crypto.randomUUID()}`,
    anonymousId: `anon-${i % 1000}`,
    writeKey: KEY,
    _metadata: { bundled: ['Segment.io'], unbundled: [], bundledIds: [] },
  };
}

function posthog(i: number) {
  const dollar = Object.fromEntries(
    ['$os', '$browser', '$device_type', '$timezone', '$host', '$pathname', '$browser_language', '$lib', '$lib_version']
      .concat(Array.from({ length: 30 }, (_, k) => `$sdk_prop_${k}`))
      .map((k) => [k, 'value']),
  );
  return {
    uuid: crypto.randomUUID(),
    event: i % 2 ? '$pageview' : 'Add To Cart',
    properties: {
      ...dollar,
      $current_url: url(i),
      $raw_user_agent: UA,
      distinct_id: `anon-${i % 1000}`,
      $device_id: `anon-${i % 1000}`,
      $session_id: `s-${i % 500}`,
      token: KEY,
      revenue: 42,
    },
    timestamp: now(),
  };
}

interface Way {
  name: string;
  path: string;
  headers: Record<string, string>;
  body: (events: unknown[]) => string;
  event: (i: number) => unknown;
}

const ways: Way[] = [
  {
    name: 'POST /events',
    path: '/events',
    headers: { 'X-Write-Key': KEY },
    body: (e) => JSON.stringify({ batch: e, sent_at: now() }),
    event: ours,
  },
  {
    name: 'POST /v1/batch (analytics-next shape)',
    path: '/v1/batch',
    headers: { Authorization: `Basic ${Buffer.from(`${KEY}:`).toString('base64')}` },
    body: (e) => JSON.stringify({ batch: e, sentAt: now(), writeKey: KEY }),
    event: segment,
  },
  {
    name: 'POST /batch/ (posthog-js shape)',
    path: '/batch/',
    headers: {},
    body: (e) => JSON.stringify({ api_key: KEY, batch: e, sent_at: now() }),
    event: posthog,
  },
];

async function run(way: Way): Promise<{ eventsPerSecond: number; usPerEvent: number; bodyBytes: number }> {
  const bodies = Array.from({ length: BATCHES }, (_, b) =>
    way.body(Array.from({ length: PER_BATCH }, (_, i) => way.event(b * PER_BATCH + i))),
  );
  const send = async (body: string) => {
    const res = await app.request(way.path, {
      method: 'POST',
      body,
      headers: { 'Content-Type': 'application/json', 'User-Agent': UA, ...way.headers },
    });
    if (res.status >= 300) throw new Error(`${way.path}: ${res.status} ${await res.text()}`);
  };
  for (const body of bodies.slice(0, 20)) await send(body); // warm-up
  const start = performance.now();
  for (const body of bodies) await send(body);
  const ms = performance.now() - start;
  const events = BATCHES * PER_BATCH;
  return {
    eventsPerSecond: Math.round((events / ms) * 1000),
    usPerEvent: Math.round((ms * 1000) / events),
    bodyBytes: Math.round(bodies.reduce((n, b) => n + b.length, 0) / bodies.length),
  };
}

console.log(`${BATCHES} batches × ${PER_BATCH} events, one request at a time, recording sink`);
for (const way of ways) {
  const r = await run(way);
  console.log(
    `${way.name.padEnd(40)} ${String(r.eventsPerSecond).padStart(8)} events/s  ${String(r.usPerEvent).padStart(4)} µs/event  body ${r.bodyBytes} B`,
  );
}
