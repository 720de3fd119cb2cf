/**
 * Sink gate middleware: a POST /events is refused with 503 *before its body is read* while
 * the event sink is known to be down or has as much work in flight as it may hold.
 *
 * Why before the body: during an outage every client retries, and reading, inflating,
 * parsing and validating each retry only to refuse it at the send is what pinned a core
 * and grew memory fourfold when Kafka came back. A refusal here costs a header lookup.
 */
import type { MiddlewareHandler } from 'hono';
import type { ApiEnv } from '../../env.js';
import { ApiError } from '../../errors.js';
import type { Refusal } from '../../deps.js';

/** Options of {@link sinkGate}. */
export interface SinkGateOptions {
  /** Whether the sink takes new work now (`SinkGuard.admission`). */
  admission: () => Refusal;
  /**
   * POSTs being handled at once (body read, parsed, sent); more are refused with 503
   * `sink_busy`. Each holds its body and parsed events: this bounds the API's memory when
   * clients come back together after an outage.
   */
  maxInFlight: number;
  /**
   * Body bytes of those requests (their Content-Length; a body without one counts as
   * `maxBodyBytes`): a few huge bodies hold as much memory as many small ones.
   */
  maxInFlightBytes: number;
  maxBodyBytes: number;
  /** Seconds for `Retry-After` (spread, so refused clients do not return together). */
  retryAfterSeconds: () => number;
  /** Told of each refusal (metrics, collapsed warnings). */
  onRefused?: (code: NonNullable<Refusal>['code']) => void;
}

/**
 * 503 `sink_unavailable` (sink down), `sink_busy` (too much in flight) or `overloaded`
 * (the API itself is behind) + `Retry-After`; other methods (a CORS preflight) pass.
 */
export function sinkGate({
  admission,
  maxInFlight,
  maxInFlightBytes,
  maxBodyBytes,
  retryAfterSeconds,
  onRefused,
}: SinkGateOptions): MiddlewareHandler<ApiEnv> {
  let inFlight = 0;
  let inFlightBytes = 0;
  return async function sinkGate(c, next) {
    if (c.req.method !== 'POST') return next();
    const declared = Number(c.req.header('Content-Length'));
    const bytes = Number.isSafeInteger(declared) && declared >= 0 ? Math.min(declared, maxBodyBytes) : maxBodyBytes;
    const refusal: Refusal =
      admission() ??
      (inFlight >= maxInFlight
        ? { code: 'sink_busy', message: `${inFlight} requests are being handled` }
        : inFlight > 0 && inFlightBytes + bytes > maxInFlightBytes
          ? { code: 'sink_busy', message: `${inFlightBytes} bytes of requests are being handled` }
          : null);
    if (refusal === null) {
      inFlight++;
      inFlightBytes += bytes;
      try {
        return await next();
      } finally {
        inFlight--;
        inFlightBytes -= bytes;
      }
    }
    onRefused?.(refusal.code);
    const retryAfter = retryAfterSeconds();
    throw new ApiError(
      503,
      refusal.code === 'sink_down' ? 'sink_unavailable' : refusal.code,
      `${refusal.message}; nothing was accepted, retry after ${retryAfter} s`,
      { headers: { 'Retry-After': String(retryAfter) } },
    );
  };
}
