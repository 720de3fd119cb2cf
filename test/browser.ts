/**
 * Real-browser helpers for the SDK's stack tests: Debian's Chromium driven by
 * playwright-core (no browser download), and a tiny web site on a local origin of its own,
 * so every request from the page to the API is a real cross-origin one.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium } from 'playwright-core';

/** Where `.ci/run` installs Chromium (Debian's `chromium` package). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Headless Chromium says "HeadlessChrome", which the bot filter rightly flags: tests that
 * look at marts browse as an ordinary desktop Chrome.
 */
export const DESKTOP_CHROME_UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36';

// No network beyond loopback here: nothing in the browser may try to phone home.
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Headless Chromium; playwright gives every launch a fresh user-data-dir of its own. */
export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: install Debian's chromium package (.ci/run does)`);
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
}

/**
 * A persistent profile with "Send a Do Not Track request" switched on in its preferences,
 * so `navigator.doNotTrack` is "1" the way a visitor's browser reports it.
 */
export async function launchWithDoNotTrack(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clickstream-dnt-'));
  fs.mkdirSync(path.join(dir, 'Default'));
  fs.writeFileSync(path.join(dir, 'Default', 'Preferences'), JSON.stringify({ enable_do_not_track: true }));
  const context = await chromium.launchPersistentContext(dir, { executablePath: CHROMIUM, headless: true, args: ARGS });
  return {
    context,
    async close() {
      await context.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A running test site. */
export interface TestSite {
  /** `http://127.0.0.1:PORT`: register it as an allowed origin of the site. */
  origin: string;
  close(): Promise<void>;
}

/**
 * Serves `page(path)` for every GET (query ignored; null is a 404): HTML, or JavaScript for
 * a path ending in `.js`/`.mjs` (module scripts need a JavaScript content type).
 */
export async function startTestSite(page: (path: string) => string | null): Promise<TestSite> {
  const server = http.createServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://x').pathname;
    const body = page(pathname);
    const type = /\.m?js$/.test(pathname) ? 'text/javascript' : 'text/html';
    res.writeHead(body === null ? 404 : 200, { 'Content-Type': `${type}; charset=utf-8`, 'Cache-Control': 'no-store' });
    res.end(body ?? 'not found');
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The script tag a site owner pastes; `attributes` (without `data-`) add to or override its `data-*`. */
export function sdkTag(apiUrl: string, writeKey: string, attributes: Record<string, string> = {}): string {
  const data = Object.entries({ 'write-key': writeKey, ...attributes })
    .map(([k, v]) => ` data-${k}="${v}"`)
    .join('');
  return `<script defer src="${apiUrl}/sdk.js"${data}></script>`;
}
