/**
 * The real, unmodified Segment and PostHog server-side clients (@segment/analytics-node,
 * posthog-node) pointed at this collector with only their host changed: what they send is
 * stored in ClickHouse, mapped; a 503 is retried and counted once; a 429's Retry-After is
 * waited out.
 */
import { Analytics } from '@segment/analytics-node';
import { PostHog } from 'posthog-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildMarts } from '../etl/build-marts.js';
import { createPgPool } from '../lib/postgres.js';
import { DESKTOP_CHROME_UA } from './browser.js';
import { queryRows, sleepUntil, uniqueName } from './helpers.js';
import { type ClientApi, type ClientStack, startClientStack } from './support/client-stack.js';
import { TEST_BUILD_OPTIONS } from './support/build-options.js';

interface Row {
  event_id: string;
  type: string;
  user_id: string;
  anonymous_id: string;
  host: string;
  path: string;
  utm_source: string;
  referrer_domain: string;
  event_title: string;
  browser: string;
  properties: Record<string, string>;
}

let stack: ClientStack;
let api: ClientApi;

beforeAll(async () => {
  stack = await startClientStack();
  api = await stack.api();
});
afterAll(async () => {
  await stack?.close();
});

/** This test's rows (its ids all start with `prefix`), once `count` of them are stored. */
async function rowsOf(prefix: string, count: number): Promise<Row[]> {
  const query = `SELECT event_id, type, user_id, anonymous_id, host, path, utm_source, referrer_domain, event_title, browser, properties
    FROM events FINAL
    WHERE site_id = {site:String} AND (startsWith(user_id, {p:String}) OR startsWith(anonymous_id, {p:String}))
    ORDER BY ts, type`;
  // 30 s: far above the ~1 s rows take on an idle machine; the test machine is shared.
  return sleepUntil(
    `${count} rows for ${prefix}`,
    async () => {
      const rows = await queryRows<Row>(stack.clickhouse, query, { site: stack.site, p: prefix });
      return rows.length >= count ? rows : undefined;
    },
    30_000,
  );
}

/** The rows after a pause, to see that nothing arrives twice late. */
async function settledRows(prefix: string, count: number): Promise<Row[]> {
  await rowsOf(prefix, count);
  await new Promise((resolve) => setTimeout(resolve, 1500));
  return rowsOf(prefix, count);
}

const statuses = (target: ClientApi, path: string) =>
  target.requests.filter((r) => r.path === path).map((r) => r.status);

describe('@segment/analytics-node → POST /v1/batch', () => {
  const segment = (host: string, flushAt = 20) =>
    new Analytics({ writeKey: stack.key, host, flushAt, flushInterval: 100 });

  it('track, page, screen, identify, alias and group land once each, mapped', async () => {
    const p = uniqueName('seg');
    const client = segment(api.url);
    client.track({
      userId: `${p}-user`,
      event: 'Order Completed',
      properties: { revenue: 42 },
      context: {
        userAgent: DESKTOP_CHROME_UA,
        page: { url: 'https://shop.example/checkout?step=2', referrer: 'https://www.google.com/' },
        campaign: { source: 'newsletter', medium: 'email', name: 'spring' },
      },
    });
    client.page({
      anonymousId: `${p}-anon`,
      name: 'Home',
      properties: { url: 'https://shop.example/', title: 'Shop', referrer: 'https://news.example/a' },
    });
    client.screen({ userId: `${p}-user`, name: 'Cart' });
    client.identify({ userId: `${p}-user`, anonymousId: `${p}-anon`, traits: { plan: 'pro' } });
    client.alias({ userId: `${p}-user`, previousId: `${p}-old` });
    client.group({ userId: `${p}-user`, groupId: 'acme', traits: { seats: 5 } });
    await client.closeAndFlush({ timeout: 20_000 });

    const rows = await settledRows(p, 6);
    expect(rows).toHaveLength(6);
    const byType = Object.fromEntries(
      rows.map((r) => [r.type === 'identify' ? `identify:${r.anonymous_id}` : r.type, r]),
    );
    expect(byType.order_completed).toMatchObject({
      user_id: `${p}-user`,
      host: 'shop.example',
      path: '/checkout',
      utm_source: 'newsletter',
      referrer_domain: 'google.com',
      browser: 'Chrome',
      properties: { revenue: '42', event: 'Order Completed' },
    });
    expect(byType.pageview).toMatchObject({
      anonymous_id: `${p}-anon`,
      path: '/',
      event_title: 'Shop',
      referrer_domain: 'news.example',
    });
    expect(byType.screen).toMatchObject({ user_id: `${p}-user`, properties: { name: 'Cart' } });
    expect(byType[`identify:${p}-anon`]).toMatchObject({ user_id: `${p}-user`, properties: { plan: 'pro' } });
    expect(byType[`identify:${p}-old`]).toMatchObject({ user_id: `${p}-user` });
    expect(byType.group).toMatchObject({ properties: { group_id: 'acme', seats: '5' } });
  });

  it('a 503 (the events were written) is retried by the client and counted once', async () => {
    const p = uniqueName('seg503');
    const before = api.requests.length;
    api.failAfterWrite = 1;
    const client = segment(api.url);
    client.track({ userId: `${p}-user`, event: 'Retried Once' });
    await client.closeAndFlush({ timeout: 20_000 });
    expect(api.requests.slice(before).map((r) => r.status)).toEqual([503, 200]);
    // Kafka holds the event twice; the derived event_id makes ClickHouse keep one.
    const rows = await settledRows(p, 1);
    expect(rows.map((r) => r.type)).toEqual(['retried_once']);
  });

  it("a 429's Retry-After is waited out, then each event is stored once", async () => {
    const limited = await stack.api({ rateLimit: { perKey: { burst: 1, perSecond: 0.5 } } });
    const p = uniqueName('seg429');
    const client = segment(limited.url, 1);
    client.track({ userId: `${p}-user`, event: 'First' });
    client.track({ userId: `${p}-user`, event: 'Second' });
    await client.closeAndFlush({ timeout: 20_000 });
    const seen = limited.requests;
    const refused = seen.findIndex((r) => r.status === 429);
    expect(refused).toBeGreaterThanOrEqual(0);
    // Not simply the next 200: the two first attempts race through the middleware, and the
    // one that arrived second may take the token. The retry says it is one.
    const retry = seen.find((r) => r.retryCount !== undefined && r.status === 200);
    // Our answer says Retry-After: 2; the client's own backoff would be ~0.5-1 s.
    expect(retry!.at - seen[refused]!.at).toBeGreaterThanOrEqual(1950);
    const rows = await settledRows(p, 2);
    expect(rows.map((r) => r.type).sort()).toEqual(['first', 'second']);
  });
});

describe('posthog-node → POST /batch/', () => {
  const posthog = (host: string) =>
    new PostHog(stack.key, { host, flushAt: 20, flushInterval: 100, fetchRetryDelay: 500 });

  it('capture, $pageview, identify (with $anon_distinct_id) and alias land once each, mapped', async () => {
    const p = uniqueName('ph');
    const client = posthog(api.url);
    client.capture({ distinctId: `${p}-user`, event: 'Order Completed', properties: { revenue: 42 } });
    client.capture({
      distinctId: `${p}-user`,
      event: '$pageview',
      properties: { $current_url: 'https://shop.example/p/1?utm_source=ads', $referrer: 'https://www.bing.com/' },
    });
    client.identify({ distinctId: `${p}-user`, properties: { $anon_distinct_id: `${p}-anon`, $set: { plan: 'pro' } } });
    client.alias({ distinctId: `${p}-user`, alias: `${p}-old` });
    await client.shutdown(20_000);

    const rows = await settledRows(p, 4);
    expect(rows).toHaveLength(4);
    const byType = Object.fromEntries(
      rows.map((r) => [r.type === 'identify' ? `identify:${r.anonymous_id}` : r.type, r]),
    );
    expect(byType.order_completed).toMatchObject({
      user_id: `${p}-user`,
      properties: { revenue: '42', event: 'Order Completed', $lib: 'posthog-node' },
    });
    expect(byType.pageview).toMatchObject({ path: '/p/1', utm_source: 'ads', referrer_domain: 'bing.com' });
    expect(byType[`identify:${p}-anon`]).toMatchObject({ user_id: `${p}-user` });
    expect(byType[`identify:${p}-old`]).toMatchObject({ user_id: `${p}-user` });
  });

  it('an identify with no anonymous id links nothing: refused, the rest of its batch stored', async () => {
    const p = uniqueName('phid');
    const client = posthog(api.url);
    client.identify({ distinctId: `${p}-user`, properties: { plan: 'pro' } });
    client.capture({ distinctId: `${p}-user`, event: 'After Identify' });
    await client.shutdown(20_000);
    const rows = await settledRows(p, 1);
    expect(rows.map((r) => r.type)).toEqual(['after_identify']);
  });

  it('a 503 (the events were written) is retried by the client and counted once', async () => {
    const p = uniqueName('ph503');
    const before = api.requests.length;
    api.failAfterWrite = 1;
    const client = posthog(api.url);
    client.capture({ distinctId: `${p}-user`, event: 'Retried Once' });
    await client.shutdown(20_000);
    expect(api.requests.slice(before).map((r) => r.status)).toEqual([503, 200]);
    const rows = await settledRows(p, 1);
    expect(rows.map((r) => r.type)).toEqual(['retried_once']);
  });

  it('a 429 is retried later and each event stored once', async () => {
    const limited = await stack.api({ rateLimit: { perKey: { burst: 1, perSecond: 0.5 } } });
    const p = uniqueName('ph429');
    // posthog-node retries a refused batch after its own fetchRetryDelay (it reads
    // Retry-After only for its logs and metrics endpoints): 2.5 s here, past our 2 s.
    const client = new PostHog(stack.key, { host: limited.url, flushAt: 1, flushInterval: 100, fetchRetryDelay: 2500 });
    client.capture({ distinctId: `${p}-user`, event: 'First' });
    await client.flush();
    client.capture({ distinctId: `${p}-user`, event: 'Second' });
    await client.shutdown(20_000);
    expect(statuses(limited, '/batch/')).toEqual([200, 429, 200]);
    const rows = await settledRows(p, 2);
    expect(rows.map((r) => r.type).sort()).toEqual(['first', 'second']);
  });
});

describe('into the marts', () => {
  it('what both clients sent above is in mart_events_daily and mart_pages_daily, retries counted once', async () => {
    const pgPool = createPgPool(inject('databaseUrl'), () => {}, 4);
    try {
      const now = Date.now();
      const options = TEST_BUILD_OPTIONS;
      await buildMarts({
        clickhouse: stack.clickhouse,
        pgPool,
        options,
        from: new Date(now - 3_600_000),
        to: new Date(now + 60_000),
        marts: ['events_daily', 'pages_daily'],
      });
    } finally {
      await pgPool.end();
    }
    const events = await queryRows<{ type: string; events: string }>(
      stack.clickhouse,
      'SELECT type, sum(events) AS events FROM mart_events_daily WHERE site_id = {site:String} GROUP BY type ORDER BY type',
      { site: stack.site },
    );
    expect(Object.fromEntries(events.map((r) => [r.type, Number(r.events)]))).toEqual({
      after_identify: 1,
      first: 2,
      group: 1,
      order_completed: 2,
      retried_once: 2,
      screen: 1,
      second: 2,
    });
    const pages = await queryRows<{ path: string }>(
      stack.clickhouse,
      'SELECT path FROM mart_pages_daily WHERE site_id = {site:String} AND pageviews > 0 ORDER BY path',
      { site: stack.site },
    );
    expect(pages.map((r) => r.path)).toEqual(['/', '/p/1']);
  });
});
