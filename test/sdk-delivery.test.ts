/**
 * How the browser SDK's events get to the collector, in headless Chromium against the real
 * stack: the page-exit beacon (and what does not fit in it going out from the next page),
 * offline then online, a 503 with Retry-After then success with the same event ids, 4xx
 * dropped with one warning, consent pending → granted / denied, Do-Not-Track and GPC.
 */
import { gunzipSync } from 'node:zlib';
import type { BrowserContext, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP_CHROME_UA } from './browser.js';
import { type SdkStack, startSdkStack } from './sdk-stack.js';

let stack: SdkStack;

beforeAll(async () => {
  stack = await startSdkStack();
});
afterAll(async () => {
  await stack?.close();
});

const ready = (page: Page) => page.waitForFunction('window.clickstream !== undefined', undefined, { timeout: 5000 });
/** Every fetch the pages of `context` make to the collector's /events. */
function eventRequests(context: BrowserContext): Request[] {
  const seen: Request[] = [];
  context.on('request', (r) => {
    if (r.url().startsWith(`${stack.api.url}/events`)) seen.push(r);
  });
  return seen;
}

/** The event ids in a batch body as the SDK sends it (gzip or plain JSON). */
function batchIds(body: Buffer): string[] {
  const text = body[0] === 0x1f && body[1] === 0x8b ? gunzipSync(body).toString() : body.toString();
  return (JSON.parse(text) as { batch: Array<{ event_id: string }> }).batch.map((e) => e.event_id);
}

async function newVisitor(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await stack.browser.newContext({ userAgent: DESKTOP_CHROME_UA });
  return { context, page: await context.newPage() };
}

describe('SDK delivery in Chromium', () => {
  it('beacons the queue when the visitor leaves; what exceeds the beacon quota goes out from the next page', async () => {
    const { context, page } = await newVisitor();
    // Observe (not alter) every beacon: its size and whether the browser took it.
    await context.addInitScript(`{
      const real = navigator.sendBeacon.bind(navigator);
      navigator.sendBeacon = (url, data) => {
        const ok = real(url, data);
        const log = JSON.parse(sessionStorage.beacons || '[]');
        log.push({ bytes: new Blob([data]).size, ok });
        sessionStorage.beacons = JSON.stringify(log);
        return ok;
      };
    }`);
    const a = stack.page('/t/exit/a', '<a id="next" href="/t/exit/b">next</a>');
    stack.page('/t/exit/b', '');
    await page.goto(a);
    await ready(page);
    // 300 events of ~1.1 KB each (~330 KB), far more than the 64 KiB keepalive quota, then
    // leave at once: no 2 s timer has fired, so only the exit path can send them.
    await page.evaluate(`{
      const filler = 'x'.repeat(1000);
      for (let i = 0; i < 300; i++) clickstream.track('exit_test', { i, filler });
      location.href = '/t/exit/b';
    }`);
    await page.waitForURL('**/t/exit/b');
    await ready(page);
    const beacons = (await page.evaluate('JSON.parse(sessionStorage.beacons)')) as Array<{
      bytes: number;
      ok: boolean;
    }>;
    await page.evaluate('clickstream.flush()');
    const rows = await stack.rowsUntil('/t/exit/a', 'pageview + 300 events', (r) => r.length >= 301, 20_000);
    await page.waitForTimeout(500);
    const all = await stack.rows('/t/exit/a');
    await context.close();
    // The browser took a first chunk and refused the next (quota full): the rest waited.
    expect(beacons[0]).toMatchObject({ ok: true });
    expect(beacons[0]!.bytes).toBeLessThan(64 * 1024);
    expect(beacons.some((b) => !b.ok)).toBe(true);
    expect(all.length).toBe(301);
    const i = rows.filter((r) => r.type === 'exit_test').map((r) => Number(r.properties.i));
    expect(new Set(i).size).toBe(300);
  });

  it('offline: events wait in localStorage and go out on `online` or from the next page, once each', async () => {
    const { context, page } = await newVisitor();
    const requests = eventRequests(context);
    const url = stack.page('/t/offline/page', '');
    await page.goto(url);
    await ready(page);
    await page.evaluate('clickstream.flush()');
    await context.setOffline(true);
    await page.evaluate(`for (let i = 0; i < 3; i++) clickstream.track('offline_a', { i })`);
    await page.evaluate('clickstream.flush()'); // fails: no network
    const outbox = (await page.evaluate('JSON.parse(localStorage.cs_q)')) as Array<{ event_id: string }>;
    expect(outbox.map((e) => e.event_id)).toHaveLength(3);
    await context.setOffline(false); // the `online` event sends them
    await stack.rowsUntil('/t/offline/', 'pageview + 3 offline_a', (r) => r.length >= 4);

    // Offline again, and the tab is closed: the next page of the site sends them.
    await context.setOffline(true);
    await page.evaluate(`for (let i = 0; i < 2; i++) clickstream.track('offline_b', { i })`);
    const next = await context.newPage();
    // Closing runs pagehide (offline: into the outbox). With runBeforeUnload, close() does not
    // wait for the page to be gone; the context must not be touched before it is.
    const closed = page.waitForEvent('close');
    await page.close({ runBeforeUnload: true });
    await closed;
    await context.setOffline(false);
    await next.goto(url);
    await ready(next);
    await next.evaluate('clickstream.flush()');
    const rows = await stack.rowsUntil('/t/offline/', '2 pageviews, 3 offline_a, 2 offline_b', (r) => r.length >= 7);
    await next.waitForTimeout(500);
    const all = await stack.rows('/t/offline/');
    await context.close();
    expect(all.map((r) => r.type).sort()).toEqual([
      'offline_a',
      'offline_a',
      'offline_a',
      'offline_b',
      'offline_b',
      'pageview',
      'pageview',
    ]);
    // The ids the outbox held are the ids stored: nothing re-made, nothing doubled.
    const stored = new Set(rows.map((r) => r.event_id));
    for (const e of outbox) expect(stored.has(e.event_id)).toBe(true);
    expect(requests.length).toBeGreaterThanOrEqual(3);
  });

  it('503 + Retry-After: waits at least that long, then resends the same event ids (gzip), stored once', async () => {
    const { context, page } = await newVisitor();
    const tries: Array<{ at: number; ids: string[]; gzip: boolean }> = [];
    await context.route(`${stack.api.url}/events*`, async (route) => {
      const body = route.request().postDataBuffer() ?? Buffer.alloc(0);
      tries.push({ at: Date.now(), ids: batchIds(body), gzip: body[0] === 0x1f && body[1] === 0x8b });
      if (tries.length > 1) return route.continue();
      // The collector's own 503 when Kafka is down: same status, headers and body.
      return route.fulfill({
        status: 503,
        headers: {
          'Retry-After': '1',
          'Access-Control-Allow-Origin': stack.web.origin,
          'Access-Control-Expose-Headers': 'Retry-After',
          'Content-Type': 'application/json',
        },
        body: JSON.stringify({ error: 'sink_unavailable', message: 'the event store is unavailable' }),
      });
    });
    await page.goto(stack.page('/t/retry/page', ''));
    await ready(page);
    await page.evaluate(`clickstream.track('retry_test'); clickstream.flush()`);
    const rows = await stack.rowsUntil('/t/retry/', 'pageview + retry_test', (r) => r.length >= 2);
    await context.close();
    expect(tries.length).toBe(2);
    expect(tries[1]!.ids).toEqual(tries[0]!.ids);
    expect(tries[1]!.at - tries[0]!.at).toBeGreaterThanOrEqual(1000);
    expect(tries.every((t) => t.gzip)).toBe(true);
    expect(rows.map((r) => r.event_id).sort()).toEqual([...tries[0]!.ids].sort());
  });

  it('a refused key (401) is dropped with one console warning and never retried', async () => {
    const { context, page } = await newVisitor();
    const requests = eventRequests(context);
    const warnings: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'warning' && m.text().startsWith('clickstream:')) warnings.push(m.text());
    });
    await page.goto(stack.page('/t/refused/page', '', { 'write-key': 'csk_not_a_key' }));
    await ready(page);
    await page.evaluate(`for (let i = 0; i < 25; i++) clickstream.track('refused')`);
    await page.evaluate('clickstream.flush()');
    await page.waitForTimeout(2500);
    await context.close();
    expect(requests.length).toBe(2); // the first 20 events, then the other 6: no retry of either
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('401');
  });
});
