/**
 * One stack for a file of SDK browser tests: the api and consumer roles on topics of their
 * own, a site whose allowed origin is a local test web site, and one Chromium. Test pages
 * live under `/t/<name>/`, so each test reads back only its own rows.
 */
import type { Browser } from 'playwright-core';
import { startApi, type RunningApi } from '../api/role.js';
import { startConsumer, type RunningConsumer } from '../consumer/role.js';
import type { ClickHouseClient } from '../lib/clickhouse.js';
import { createLogger } from '../lib/logger.js';
import { createSiteStore } from '../lib/sites.js';
import { launchChromium, sdkTag, startTestSite, type TestSite } from './browser.js';
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

/** A row of `events` as the SDK tests read it. */
export interface EventRow {
  event_id: string;
  type: string;
  session_id: string;
  user_id: string;
  anonymous_id: string;
  path: string;
  query: string;
  referrer: string;
  element_id: string;
  x: number | null;
  y: number | null;
  is_bot: boolean;
  properties: Record<string, string>;
}

/** What {@link startSdkStack} gives a test file. */
export interface SdkStack {
  site: string;
  key: string;
  api: RunningApi;
  web: TestSite;
  browser: Browser;
  clickhouse: ClickHouseClient;
  /** Register the page for `path` (exact path, any query), with the SDK tag unless `tag` is null; returns its URL. */
  page(path: string, body: string, tag?: Record<string, string> | null): string;
  /** Register any other file (content type from its extension). */
  file(path: string, body: string): void;
  /** Rows of this site whose path starts with `prefix`, oldest first. */
  rows(prefix: string): Promise<EventRow[]>;
  /** Polls until `done(rows)` holds (then returns the rows) or `timeoutMs` passes. */
  rowsUntil(prefix: string, what: string, done: (rows: EventRow[]) => boolean, timeoutMs?: number): Promise<EventRow[]>;
  close(): Promise<void>;
}

/** A full HTML document around `body`, with the SDK's script tag. */
function document(tag: string, body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>test page</title>
<style>body{margin:0;font:16px sans-serif} .box{position:absolute;left:100px;width:300px;height:200px;background:#9bd}</style>
</head><body>${body}${tag}</body></html>`;
}

/** Starts everything; call `close()` in afterAll. */
export async function startSdkStack(): Promise<SdkStack> {
  const pages = new Map<string, string>();
  const web = await startTestSite((path) => pages.get(path) ?? null);
  const site = uniqueName('sdk').replace(/_/g, '-');
  const key = (await withPgClient((c) => createSiteStore(c).add(site, [web.origin]))).key;
  const config = testConfig(await isolatedPipelineEnv({ CONSUMER_FLUSH_MS: '100' }));
  const logger = createLogger('warn', 'test');
  const endpoints = testEndpoints();
  const api = await startApi({ config, logger, endpoints });
  const consumer: RunningConsumer = await startConsumer({ config, logger, endpoints });
  const browser = await launchChromium();
  const clickhouse = testClickHouse();
  const rows = (prefix: string) =>
    queryRows<EventRow>(
      clickhouse,
      `SELECT event_id, type, session_id, user_id, anonymous_id, path, query, referrer, element_id, x, y, is_bot, properties
       FROM events FINAL WHERE site_id = {site:String} AND startsWith(path, {prefix:String}) ORDER BY ts, event_id`,
      { site, prefix },
    );
  return {
    site,
    key,
    api,
    web,
    browser,
    clickhouse,
    page(path, body, tag = {}) {
      pages.set(path, document(tag === null ? '' : sdkTag(api.url, key, tag), body));
      return web.origin + path;
    },
    file(path, body) {
      pages.set(path, body);
    },
    rows,
    rowsUntil: (prefix, what, done, timeoutMs = 15_000) =>
      sleepUntil(
        what,
        async () => {
          const found = await rows(prefix);
          return done(found) ? found : undefined;
        },
        timeoutMs,
        200,
      ),
    async close() {
      await browser.close().catch(() => {});
      await api.stop();
      await consumer.stop();
      await web.close();
      await clickhouse.close();
    },
  };
}
