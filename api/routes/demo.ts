/**
 * `GET /demo`: a small shop that embeds the SDK exactly as a website would, wired to the
 * demo site's write key, so a new user sees pageviews, impressions and clicks arrive
 * without writing a page. `/demo/*` serves the same page: it is a single-page app, and a
 * reload on one of its routes must still work.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Handler } from 'hono';
import type { ApiEnv } from '../env.js';

const PAGE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../sdk/demo/shop.html');

/** The demo page with `writeKey` in its script tag. */
export async function loadDemoPage(writeKey: string): Promise<string> {
  const html = await fs.readFile(PAGE, 'utf8');
  const escaped = writeKey.replace(/[&"<>]/g, (ch) => `&#${ch.charCodeAt(0)};`);
  return html.replaceAll('{{WRITE_KEY}}', escaped);
}

/** The handler; `html` comes from {@link loadDemoPage}. */
export function demoPage(html: string): Handler<ApiEnv> {
  return function demoPage(c) {
    c.header('Cache-Control', 'no-store');
    return c.html(html);
  };
}
