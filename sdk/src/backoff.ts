/**
 * When to try a failed send again: exponential backoff with jitter, never sooner than the
 * server's `Retry-After`.
 */

/** Tries of one batch in a page before it waits for the `online` event or the next page. */
export const MAX_TRIES = 8;
const BASE_MS = 1000;
const CAP_MS = 60_000;
/** A `Retry-After` beyond this is read as this: the page is likely gone by then anyway. */
const MAX_WAIT_MS = 600_000;

/**
 * Milliseconds to wait before try number `tries + 1`, given the failed answer's
 * `Retry-After` in seconds (null when absent; the HTTP-date form, which collectors do not
 * send, counts as absent). The jitter (up to +50 %) spreads the retries of many visitors
 * after an outage, and only ever adds to the wait, so `Retry-After` is honoured as a
 * minimum.
 */
export function retryDelay(tries: number, retryAfter: string | null, random = Math.random): number {
  const after = Number(retryAfter) * 1000;
  const ms = after > 0 ? Math.min(after, MAX_WAIT_MS) : Math.min(CAP_MS, BASE_MS * 2 ** (tries - 1));
  return Math.round(ms * (1 + random() / 2));
}
