/**
 * The browser SDK's privacy behaviour in headless Chromium against the real stack:
 * consent pending holds everything in memory (no request, no storage) until granted;
 * denied drops the queue and clears storage; Do-Not-Track (a real browser preference) and
 * Global Privacy Control mean nothing at all is sent, unless the site opts out.
 */
import type { BrowserContext, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP_CHROME_UA, launchWithDoNotTrack } from './browser.js';
import { type SdkStack, startSdkStack } from './sdk-stack.js';

let stack: SdkStack;

beforeAll(async () => {
  stack = await startSdkStack();
});
afterAll(async () => {
  await stack?.close();
});

const ready = (page: Page) => page.waitForFunction('window.clickstream !== undefined', undefined, { timeout: 5000 });
const storedKeys = (page: Page) =>
  page.evaluate(`Object.keys(localStorage).filter((k) => k.startsWith('cs_')).sort()`) as Promise<string[]>;

/** Every request the pages of `context` make to the collector's /events. */
function eventRequests(context: BrowserContext): Request[] {
  const seen: Request[] = [];
  context.on('request', (r) => {
    if (r.url().startsWith(`${stack.api.url}/events`)) seen.push(r);
  });
  return seen;
}

/** Loads `url`, clicks, tracks, waits past the 2 s batch timer and flushes: whatever would be sent, is. */
async function browse(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await ready(page);
  await page.click('#buy');
  await page.evaluate(`clickstream.track('custom_event')`);
  await page.waitForTimeout(2300);
  await page.evaluate('clickstream.flush()');
}

const BODY = '<button id="buy" data-cs-element="buy">Buy</button>';

describe('SDK privacy in Chromium', () => {
  it('consent pending: nothing sent or stored until consent("granted"), then all of it, with stored ids', async () => {
    const context = await stack.browser.newContext({ userAgent: DESKTOP_CHROME_UA });
    const requests = eventRequests(context);
    const page = await context.newPage();
    await browse(page, stack.page('/t/pending/page', BODY, { consent: 'pending' }));
    expect(requests).toHaveLength(0);
    expect(await storedKeys(page)).toEqual([]);

    await page.evaluate(`clickstream.consent('granted')`);
    const rows = await stack.rowsUntil('/t/pending/', 'the 3 held events', (r) => r.length >= 3);
    const anonymous = (await page.evaluate('JSON.parse(localStorage.cs_a)')) as string;
    await context.close();
    expect(rows.map((r) => r.type).sort()).toEqual(['click', 'custom_event', 'pageview']);
    expect(new Set(rows.map((r) => r.anonymous_id))).toEqual(new Set([anonymous]));
  });

  it('consent denied: the queue is dropped, storage cleared, and nothing is sent afterwards', async () => {
    const context = await stack.browser.newContext({ userAgent: DESKTOP_CHROME_UA });
    const page = await context.newPage();
    // An earlier visit with consent left ids in localStorage.
    await page.goto(stack.page('/t/denied/before', ''));
    await ready(page);
    await page.evaluate('clickstream.flush()');
    expect(await storedKeys(page)).toEqual(['cs_a', 'cs_s']);

    const requests = eventRequests(context);
    await page.goto(stack.page('/t/denied/page', BODY, { consent: 'pending' }));
    await ready(page);
    await page.click('#buy');
    await page.evaluate(`clickstream.consent('denied'); clickstream.track('after_denied')`);
    await page.waitForTimeout(2300);
    await page.evaluate('clickstream.flush()');
    const keys = await storedKeys(page);
    await context.close();
    expect(requests).toHaveLength(0);
    expect(keys).toEqual([]);
    expect(await stack.rows('/t/denied/page')).toEqual([]);
  });

  it('Do-Not-Track: nothing at all is sent or stored; data-respect-dnt="false" sends', async () => {
    const dnt = await launchWithDoNotTrack();
    try {
      const requests = eventRequests(dnt.context);
      const page = await dnt.context.newPage();
      expect(await page.evaluate('navigator.doNotTrack')).toBe('1');
      await browse(page, stack.page('/t/dnt/page', BODY));
      expect(requests).toHaveLength(0);
      expect(await storedKeys(page)).toEqual([]);

      await browse(page, stack.page('/t/dnt-opt-out/page', BODY, { 'respect-dnt': 'false' }));
      const rows = await stack.rowsUntil('/t/dnt-opt-out/', '3 events', (r) => r.length >= 3);
      expect(rows.map((r) => r.type).sort()).toEqual(['click', 'custom_event', 'pageview']);
    } finally {
      await dnt.close();
    }
  });

  it('Global Privacy Control: nothing at all is sent', async () => {
    const context = await stack.browser.newContext({ userAgent: DESKTOP_CHROME_UA });
    // Chromium has no GPC switch; browsers that send Sec-GPC expose exactly this property.
    await context.addInitScript(
      `Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true })`,
    );
    const requests = eventRequests(context);
    const page = await context.newPage();
    await browse(page, stack.page('/t/gpc/page', BODY));
    await context.close();
    expect(requests).toHaveLength(0);
  });
});
