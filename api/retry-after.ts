/**
 * `Retry-After` for 503 answers, spread around a base value. With one fixed value
 * every client refused during an outage comes back in the same second once it ends, and
 * that synchronized wave is what overloads a recovering API. Uniform in
 * [⌈base/2⌉, ⌊1.5·base⌋] whole seconds: the mean stays `base`, the wave becomes a ramp.
 */

/**
 * The base `Retry-After` while the event store has been down for `outageSeconds`: half the
 * outage so far, at least `baseSeconds`, at most `maxSeconds`. Clients refused over a long
 * outage then come back spread over a window that grows with it, so when it ends they
 * return at about the rate they arrived, whatever its length; with a fixed value, all of
 * them return within the same few seconds (the API spent 8 s of CPU on one such wave).
 */
export function outageRetryAfter(baseSeconds: number, outageSeconds: number, maxSeconds = 60): number {
  return Math.max(baseSeconds, Math.min(maxSeconds, Math.round(outageSeconds / 2)));
}

/** A whole number of seconds around `baseSeconds` (at least 1). */
export function spreadRetryAfter(baseSeconds: number, random: () => number = Math.random): number {
  const low = Math.max(1, Math.ceil(baseSeconds / 2));
  const high = Math.max(low, Math.floor(baseSeconds * 1.5));
  return low + Math.min(high - low, Math.floor(random() * (high - low + 1)));
}
