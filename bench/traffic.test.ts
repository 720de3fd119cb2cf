import { describe, expect, it } from 'vitest';
import { validateBatch } from '../api/event-schema.js';
import { resolveApiLimits } from '../api/limits.js';
import { BOT_USER_AGENTS } from './traffic-catalog.js';
import { createTraffic, type TrafficRequest } from './traffic.js';

const SITES = [
  { key: 'k1', host: 'shop.example' },
  { key: 'k2', host: 'blog.example' },
  { key: 'k3', host: 'news.example' },
];
const NOW = Date.parse('2025-06-01T12:00:00Z');

interface Event {
  type: string;
  event_id: string;
  url: string;
  user_agent: string;
  referrer?: string;
  payload: Record<string, unknown>;
}

function sample(
  count: number,
  options: Partial<Parameters<typeof createTraffic>[0]> = {},
): { requests: TrafficRequest[]; events: Event[] } {
  const traffic = createTraffic({ sites: SITES, seed: 42, now: () => NOW, ...options });
  const requests = Array.from({ length: count }, () => traffic.next());
  const events = requests.flatMap((r) => {
    const body = JSON.parse(r.body) as Event[] | { batch: Event[] };
    return Array.isArray(body) ? body : body.batch;
  });
  return { requests, events };
}

describe('createTraffic', () => {
  const { requests, events } = sample(5000);
  const count = (type: string) => events.filter((e) => e.type === type).length;

  it('is deterministic for a seed', () => {
    expect(sample(50).requests.map((r) => r.body)).toEqual(sample(50).requests.map((r) => r.body));
    expect(sample(50, { seed: 7 }).requests[0]!.body).not.toEqual(sample(50).requests[0]!.body);
  });

  it('makes events the API accepts, every one of them', () => {
    const limits = resolveApiLimits();
    for (const r of requests.slice(0, 500)) {
      const verdict = validateBatch(JSON.parse(r.body), limits, NOW);
      expect(verdict.rejected).toEqual([]);
      expect(verdict.valid).toHaveLength(r.events);
    }
  });

  it('sends about ten impressions per click, page views and some checkouts with revenue', () => {
    const ratio = count('impression') / count('click');
    expect(ratio).toBeGreaterThan(8);
    expect(ratio).toBeLessThan(13);
    expect(count('pageview')).toBeGreaterThan(1000);
    const checkouts = events.filter((e) => e.type === 'checkout');
    expect(checkouts.length).toBeGreaterThan(5);
    for (const c of checkouts) expect(c.payload.revenue).toBeGreaterThan(0);
  });

  it('spreads requests over every site, each with its own key and host', () => {
    for (const [i, site] of SITES.entries()) {
      const mine = requests.filter((r) => r.site === i);
      expect(mine.length).toBeGreaterThan(requests.length / 6);
      expect(mine.every((r) => r.key === site.key && r.body.includes(`https://${site.host}/`))).toBe(true);
    }
  });

  it('picks pages with a Zipf-like skew: the top page far above the median page', () => {
    const views = new Map<string, number>();
    for (const e of events.filter((e) => e.type === 'pageview')) {
      const path = new URL(e.url).pathname;
      views.set(path, (views.get(path) ?? 0) + 1);
    }
    const sorted = [...views.values()].sort((a, b) => b - a);
    expect(sorted[0]!).toBeGreaterThan(10 * sorted[Math.floor(sorted.length / 2)]!);
    expect(views.size).toBeGreaterThan(50);
  });

  it('mixes real browsers with a few bots', () => {
    const bots = events.filter((e) => BOT_USER_AGENTS.includes(e.user_agent)).length;
    expect(bots / events.length).toBeGreaterThan(0.005);
    expect(bots / events.length).toBeLessThan(0.15);
    expect(new Set(events.map((e) => e.user_agent)).size).toBeGreaterThan(8);
  });

  it('tags landings with referrers, UTM parameters and click ids', () => {
    expect(events.some((e) => e.url.includes('utm_source='))).toBe(true);
    expect(events.some((e) => e.url.includes('gclid='))).toBe(true);
    expect(events.some((e) => e.referrer?.startsWith('https://www.google.com/'))).toBe(true);
  });

  it('resends a few batches with the same event ids', () => {
    const resends = requests.filter((r) => r.resend);
    expect(resends.length).toBeGreaterThan(5);
    expect(resends.length).toBeLessThan(100);
    const ids = requests.flatMap((r) => r.eventIds);
    const duplicates = ids.length - new Set(ids).size;
    expect(duplicates).toBe(resends.reduce((n, r) => n + r.events, 0));
  });

  it('sends SDK-like batch sizes by default, and exactly the size asked for otherwise', () => {
    const sizes = requests.map((r) => r.events);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(20);
    expect(sizes.filter((n) => n === 1).length).toBeGreaterThan(0);
    const mean = sizes.reduce((a, b) => a + b, 0) / sizes.length;
    expect(mean).toBeGreaterThan(3);
    expect(mean).toBeLessThan(12);
    for (const size of [1, 50]) {
      const fixed = sample(200, { batchSize: size, resendRate: 0 }).requests;
      expect(fixed.every((r) => r.events === size)).toBe(true);
    }
  });

  it.each([0, -1, 1.5])('refuses batchSize %s', (batchSize) => {
    expect(() => createTraffic({ sites: SITES, batchSize })).toThrow(/batchSize/);
  });
});
