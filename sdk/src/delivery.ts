/**
 * The two ways a batch leaves the page, both as `{batch, sent_at}` (`sent_at` lets the
 * server correct the device's clock) in a `text/plain` body to `?key=`: with no custom
 * header and a CORS-safelisted content type the browser sends no preflight, and a
 * cross-origin beacon of anything else is preflighted and then silently dropped.
 */
import type { Answer } from './queue';
import type { CsEvent } from './types';

/** Under the 64 KiB that every keepalive request in flight (beacons included) shares. */
export const BEACON_BYTES = 60_000;

const envelope = (batch: CsEvent[]) => JSON.stringify({ batch, sent_at: new Date().toISOString() });
const bytes = (s: string) => new Blob([s]).size;

/**
 * POSTs a batch with fetch, gzipped where the browser has `CompressionStream` (the server
 * recognises gzip in a `text/plain` body by its magic bytes). `keepalive` lets a small
 * request finish when the page goes away. Resolves undefined on a network error.
 */
export async function post(url: string, batch: CsEvent[]): Promise<Answer | undefined> {
  let body = new Blob([envelope(batch)]);
  try {
    body = await new Response(body.stream().pipeThrough(new CompressionStream('gzip'))).blob();
  } catch {}
  try {
    return await fetch(url, {
      method: 'POST',
      body,
      headers: { 'Content-Type': 'text/plain' },
      keepalive: body.size < BEACON_BYTES,
    });
  } catch {}
}

/**
 * Beacons `batch` in chunks under {@link BEACON_BYTES}, in order, until the browser
 * refuses one (its keepalive quota is full). Returns how many events were handed over.
 */
export function beacon(url: string, batch: CsEvent[]): number {
  let done = 0;
  while (done < batch.length) {
    let end = done;
    let size = 60;
    for (; end < batch.length; end++) {
      const n = bytes(JSON.stringify(batch[end])) + 1;
      if (end > done && size + n >= BEACON_BYTES) break;
      size += n;
    }
    if (size >= BEACON_BYTES || !navigator.sendBeacon(url, envelope(batch.slice(done, end)))) break;
    done = end;
  }
  return done;
}
