/**
 * The walking skeleton on the real services: POST /events → Kafka → consumer →
 * clickstream.events, with the api and consumer roles running as they do in production.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type RunningApi } from '../api/role.js';
import { startConsumer, type RunningConsumer } from '../consumer/role.js';
import { createLogger } from '../lib/logger.js';
import { createSiteStore } from '../lib/sites.js';
import {
  isolatedPipelineEnv,
  queryRows,
  sleepUntil,
  testClickHouse,
  testConfig,
  testEndpoints,
  uniqueName,
  withPgClient,
} from './helpers.js';

describe('POST /events → Kafka → consumer → ClickHouse', () => {
  const site = uniqueName('site').replace(/_/g, '-');
  let key = '';
  let api: RunningApi;
  let consumer: RunningConsumer;
  const clickhouse = testClickHouse();

  beforeAll(async () => {
    // A topic and consumer group of this test's own: other tests' consumers never see these events.
    const config = testConfig(await isolatedPipelineEnv({ CONSUMER_FLUSH_MS: '100' }));
    key = (await withPgClient((c) => createSiteStore(c).add(site, ['https://shop.example']))).key;
    const logger = createLogger('warn', 'test');
    const endpoints = testEndpoints();
    api = await startApi({ config, logger, endpoints });
    consumer = await startConsumer({ config, logger, endpoints });
  });

  afterAll(async () => {
    await api?.stop();
    await consumer?.stop();
    await clickhouse.close();
  });

  it('stores an accepted batch, normalized and enriched, once', async () => {
    const eventId = crypto.randomUUID();
    const batch = [
      {
        event_id: eventId,
        type: 'click',
        session_id: 'user-session-1001',
        user_id: 1001,
        url: 'https://shop.example/catalog?foo=bar&utm_source=newsletter&utm_medium=email',
        referrer: 'https://mail.google.com/',
        created_at: new Date(Date.now() - 5000).toISOString(),
        user_agent:
          'Mozilla/5.0 (Linux; Android 7.1.1; SM-J700T1) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/78.0.3882.0 Mobile Safari/537.36',
        payload: { event_title: 'checkout', element_id: '#submit-button', x: 445, y: 315, plan: 'pro' },
      },
      { type: 'pageview', url: '/catalog', session_id: 'user-session-1001' },
    ];
    const response = await fetch(`${api.url}/events`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Write-Key': key },
      body: JSON.stringify({ batch, sent_at: new Date().toISOString() }),
    });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ accepted: 2, rejected: [] });

    const rows = await sleepUntil('both events in ClickHouse', async () => {
      const found = await queryRows<Record<string, unknown>>(
        clickhouse,
        'SELECT * EXCEPT (inserted_at) FROM events FINAL WHERE site_id = {site:String} ORDER BY type',
        { site },
      );
      return found.length === 2 ? found : undefined;
    });
    const click = rows.find((r) => r.type === 'click')!;
    expect(click).toMatchObject({
      event_id: eventId,
      site_id: site,
      session_id: 'user-session-1001',
      user_id: '1001',
      visitor_id: 'u:1001',
      host: 'shop.example',
      path: '/catalog',
      utm_source: 'newsletter',
      utm_medium: 'email',
      channel: 'email',
      referrer_domain: 'mail.google.com',
      element_id: '#submit-button',
      event_title: 'checkout',
      x: 445,
      y: 315,
      browser: 'Chrome',
      browser_version: '78',
      os: 'Android',
      device_type: 'mobile',
      is_bot: false,
      properties: { plan: 'pro' },
    });
    // No user id: a daily-salted hash, and the IP itself is in no column.
    const pageview = rows.find((r) => r.type === 'pageview')!;
    expect(pageview.visitor_id).toMatch(/^[0-9a-f]{32}$/);
    expect(JSON.stringify(rows)).not.toContain('127.0.0.1');
  });

  it("exposes the consumer's and the API's Prometheus metrics", async () => {
    const consumerMetrics = await (await fetch(`${consumer.url}/metrics`)).text();
    for (const name of [
      'clickstream_consumer_rows_inserted_total',
      'clickstream_consumer_lag_messages',
      'clickstream_consumer_batch_rows_bucket',
      'clickstream_consumer_insert_seconds_bucket',
      'clickstream_consumer_dlq_total',
      'clickstream_consumer_seconds_since_last_insert',
      'clickstream_consumer_ua_cache_hit_ratio',
    ]) {
      expect(consumerMetrics).toContain(name);
    }
    expect((await fetch(`${consumer.url}/healthz`)).status).toBe(200);
    const apiMetrics = await (await fetch(`${api.metricsUrl}/metrics`)).text();
    expect(apiMetrics).toMatch(/clickstream_api_\w+/);
    expect((await fetch(`${api.url}/readyz`)).status).toBe(200);
  });

  it("never serves the API's metrics on the public ingest port", async () => {
    expect(new URL(api.metricsUrl).port).not.toBe(new URL(api.url).port);
    const onIngest = await fetch(`${api.url}/metrics`);
    expect(onIngest.status).toBe(404);
    expect(await onIngest.text()).not.toContain('clickstream_api_');
    expect((await fetch(`${api.metricsUrl}/metrics`)).status).toBe(200);
  });

  it('answers 401 for an unknown key and stores nothing', async () => {
    const response = await fetch(`${api.url}/events`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Write-Key': 'csk_unknown' },
      body: JSON.stringify([{ type: 'pageview', url: '/' }]),
    });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error?: string }).error).toBeTruthy();
  });
});
