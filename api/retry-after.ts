/**
 * `Retry-After` for 503 answers, spread around the configured value. With one fixed value
 * every client refused during an outage comes back in the same second once it ends, and
 * that synchronized wave is what overloads a recovering API. Uniform in
 * [⌈base/2⌉, ⌊1.5·base⌋] whole seconds: the mean stays `base`, the wave becomes a ramp.
 */

/** A whole number of seconds around `baseSeconds` (at least 1). */
export function spreadRetryAfter(baseSeconds: number, random: () => number = Math.random): number {
  const low = Math.max(1, Math.ceil(baseSeconds / 2));
  const high = Math.max(low, Math.floor(baseSeconds * 1.5));
  return low + Math.min(high - low, Math.floor(random() * (high - low + 1)));
}
