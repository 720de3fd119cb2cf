/**
 * Segment's browser SDK (@segment/analytics-next) and posthog-js, unmodified, in headless
 * Chromium against the real stack, configured as a migrating site would: only the host
 * changed (analytics-next's `cdnURL`, posthog-js's `api_host`). Their pageviews, tracks,
 * clicks and identifies land in ClickHouse once, and neither SDK logs an error.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP_CHROME_UA } from './browser.js';
import { type EventRow, type SdkStack, startSdkStack } from './sdk-stack.js';
import { analyticsNextScript, posthogScript } from './support/browser-clients.js';

let stack: SdkStack;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  stack = await startSdkStack();
  stack.file('/lib/analytics-next.js', await analyticsNextScript());
  stack.file('/lib/posthog.js', await posthogScript());
  // Chromium asks for one; its 404 would be the only console error on the page.
  stack.file('/favicon.ico', '');
});
afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => {});
  await stack?.close();
});

/** A fresh visitor as a desktop Chrome, with every console error and page error collected. */
async function visitor(): Promise<{ page: Page; errors: string[] }> {
  const context = await stack.browser.newContext({ userAgent: DESKTOP_CHROME_UA });
  contexts.push(context);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return { page, errors };
}

/**
 * How long rows may take to arrive. Far above the ~1 s they take on an idle machine: the test
 * machine is shared, and a 2-core box running several suites at once is slow, not broken.
 */
const ARRIVAL_MS = 30_000;

/** The rows under `prefix` once `count` are stored, and again after a pause: nothing arrives twice. */
async function settled(prefix: string, count: number): Promise<EventRow[]> {
  await stack.rowsUntil(prefix, `${count} rows under ${prefix}`, (rows) => rows.length >= count, ARRIVAL_MS);
  await new Promise((resolve) => setTimeout(resolve, 2000));
  return stack.rows(prefix);
}

const types = (rows: EventRow[]) => rows.map((r) => r.type).sort();

describe('@segment/analytics-next in Chromium', () => {
  it('loads its settings from the collector; page, track and identify land once each', async () => {
    const { page, errors } = await visitor();
    const script = (body: string) =>
      `<script src="/lib/analytics-next.js"></script><script>
        window.analytics = AnalyticsBrowser.load({ writeKey: ${JSON.stringify(stack.key)}, cdnURL: ${JSON.stringify(stack.api.url)} });
        ${body}
      </script>`;
    const home = stack.page(
      '/t/seg/home',
      script(`analytics.page(); analytics.track('Order Completed', { revenue: 42 });`),
      null,
    );
    stack.page('/t/seg/next', script(`analytics.page(); analytics.identify('seg-user-1', { plan: 'pro' });`), null);
    await page.goto(`${home}?utm_source=newsletter`);
    await stack.rowsUntil('/t/seg/home', 'the first page', (rows) => rows.length >= 2, ARRIVAL_MS);
    await page.goto(`${stack.web.origin}/t/seg/next`);

    const rows = await settled('/t/seg/', 4);
    expect(types(rows)).toEqual(['identify', 'order_completed', 'pageview', 'pageview']);
    const [first] = rows;
    const anonymousId = first!.anonymous_id;
    expect(anonymousId).toMatch(/^[0-9a-f-]{36}$/);
    // One visitor throughout (analytics-next keeps its id in a cookie and localStorage).
    expect(new Set(rows.map((r) => r.anonymous_id))).toEqual(new Set([anonymousId]));
    const track = rows.find((r) => r.type === 'order_completed')!;
    expect(track).toMatchObject({ path: '/t/seg/home', query: 'utm_source=newsletter', is_bot: false });
    expect(track.properties).toMatchObject({ revenue: '42', event: 'Order Completed' });
    expect(rows.find((r) => r.type === 'identify')).toMatchObject({ user_id: 'seg-user-1', anonymous_id: anonymousId });
    expect(errors).toEqual([]);
  });
});

describe('posthog-js in Chromium', () => {
  it("runs on the collector's start-up answers; pageview, capture, autocaptured click and identify land once each", async () => {
    const { page, errors } = await visitor();
    // opt_out_useragent_filter: posthog-js drops every event when navigator.webdriver is
    // true, which it always is under automation; a visitor's browser never sets it.
    const url = stack.page(
      '/t/ph/home',
      `<button id="buy">Buy now</button>
      <script src="/lib/posthog.js"></script><script>
        posthog.init(${JSON.stringify(stack.key)}, { api_host: ${JSON.stringify(stack.api.url)}, opt_out_useragent_filter: true });
        posthog.capture('Order Completed', { revenue: 42 });
      </script>`,
      null,
    );
    await page.goto(url);
    // Autocapture starts once the remote config (/array/<token>/config) has been answered;
    // a click before that is not captured, by design. On a busy machine that takes a while.
    await page.waitForFunction('window.posthog?.__loaded && window.posthog.autocapture?.isEnabled', undefined, {
      timeout: 10_000,
    });
    await page.click('#buy');
    await page.evaluate(`posthog.identify('ph-user-1')`);
    await stack.rowsUntil('/t/ph/', 'the first events', (rows) => rows.length >= 4, ARRIVAL_MS);
    // Leaving the page sends $pageleave (posthog-js flushes with sendBeacon on pagehide).
    await page.goto('about:blank');

    const rows = await settled('/t/ph/', 5);
    expect(types(rows)).toEqual(['click', 'identify', 'order_completed', 'pageleave', 'pageview']);
    const pageview = rows.find((r) => r.type === 'pageview')!;
    const device = pageview.anonymous_id;
    expect(device).not.toBe('');
    expect(pageview.session_id).not.toBe('');
    expect(pageview).toMatchObject({ path: '/t/ph/home', user_id: '', is_bot: false });
    expect(rows.find((r) => r.type === 'click')).toMatchObject({ element_id: '#buy', session_id: pageview.session_id });
    expect(rows.find((r) => r.type === 'identify')).toMatchObject({ user_id: 'ph-user-1', anonymous_id: device });
    expect(rows.find((r) => r.type === 'order_completed')?.properties).toMatchObject({ revenue: '42' });
    expect(errors).toEqual([]);
  });
});
