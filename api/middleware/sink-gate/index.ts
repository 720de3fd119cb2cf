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
import type { Refusal } from '../../sink-guard.js';

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
  /** Seconds for `Retry-After` (spread, so refused clients do not return together). */
  retryAfterSeconds: () => number;
  /** Told of each refusal (metrics, collapsed warnings). */
  onRefused?: (code: NonNullable<Refusal>['code']) => void;
}

/**
 * 503 `sink_unavailable` (sink down) or `sink_busy` (too much in flight) + `Retry-After`;
 * other methods (a CORS preflight) pass.
 */
export function sinkGate({
  admission,
  maxInFlight,
  retryAfterSeconds,
  onRefused,
}: SinkGateOptions): MiddlewareHandler<ApiEnv> {
  let inFlight = 0;
  return async function sinkGate(c, next) {
    if (c.req.method !== 'POST') return next();
    const refusal: Refusal =
      admission() ??
      (inFlight >= maxInFlight ? { code: 'sink_busy', message: `${inFlight} requests are being handled` } : null);
    if (refusal === null) {
      inFlight++;
      try {
        return await next();
      } finally {
        inFlight--;
      }
    }
    onRefused?.(refusal.code);
    const retryAfter = retryAfterSeconds();
    throw new ApiError(
      503,
      refusal.code === 'sink_down' ? 'sink_unavailable' : 'sink_busy',
      `${refusal.message}; nothing was accepted, retry after ${retryAfter} s`,
      { headers: { 'Retry-After': String(retryAfter) } },
    );
  };
}
