/**
 * `GET /sdk.js`: the browser SDK for `<script defer src="https://COLLECTOR/sdk.js">`.
 * Cached by browsers and CDNs for an hour, then revalidated with the ETag (304), so a new
 * release reaches every site within the hour with no action from the site owner.
 */
import type { Handler } from 'hono';
import type { ApiEnv } from '../env.js';
import type { SdkScript } from '../sdk-script.js';

/** Seconds browsers and shared caches may keep the script without asking again. */
export const SDK_MAX_AGE_SECONDS = 3600;

/** The handler; `script` comes from `buildSdkScript()`. */
export function sdkScript(script: SdkScript): Handler<ApiEnv> {
  return function sdkScript(c) {
    const headers: Record<string, string> = {
      'Content-Type': 'text/javascript; charset=utf-8',
      'Cache-Control': `public, max-age=${SDK_MAX_AGE_SECONDS}`,
      ETag: script.etag,
      Vary: 'Accept-Encoding',
      'X-Content-Type-Options': 'nosniff',
      // Any site may load it: it is public code, and sites embed it from everywhere.
      'Access-Control-Allow-Origin': '*',
    };
    if (matches(c.req.header('If-None-Match'), script.etag)) return c.body(null, 304, headers);
    if (/\bgzip\b/i.test(c.req.header('Accept-Encoding') ?? '')) {
      return c.body(new Uint8Array(script.gzip), 200, { ...headers, 'Content-Encoding': 'gzip' });
    }
    return c.body(new Uint8Array(script.body), 200, headers);
  };
}

/** `If-None-Match` is a list, may be `*`, and compares weakly (a `W/` prefix still matches). */
function matches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t.replace(/^W\//, '') === etag;
  });
}
