/**
 * Limits of the Segment- and PostHog-compatible endpoints. Their clients are built for
 * bigger messages than our own SDK sends: Segment documents 32 KB per message and 500 KB per
 * batch (analytics-node fills batches up to 480 KB), and posthog-js attaches some 50
 * `$`-properties to every event. Refusing what those clients consider normal would lose
 * events nobody can resend, so these endpoints allow at least:
 */
import { ApiError } from '../../errors.js';
import type { ApiLimits } from '../../limits.js';

/** The floor of each raised limit (configured limits above these stay as they are). */
export const COMPAT_LIMIT_FLOORS = Object.freeze({
  /** Per event, for `properties`/`traits` (payload) and the rest of the message (extra) each. */
  maxPayloadBytes: 32 * 1024,
  maxPayloadKeys: 256,
  /** 480 KB of the smallest Segment messages (~250 bytes each) is ~1,900 of them. */
  maxEventsPerBatch: 2000,
});

/** `limits` with the payload, key and batch limits raised to {@link COMPAT_LIMIT_FLOORS}. */
export function compatLimits(limits: ApiLimits): ApiLimits {
  return {
    ...limits,
    maxPayloadBytes: Math.max(limits.maxPayloadBytes, COMPAT_LIMIT_FLOORS.maxPayloadBytes),
    maxPayloadKeys: Math.max(limits.maxPayloadKeys, COMPAT_LIMIT_FLOORS.maxPayloadKeys),
    maxEventsPerBatch: Math.max(limits.maxEventsPerBatch, COMPAT_LIMIT_FLOORS.maxEventsPerBatch),
  };
}

/** 413 `batch_too_large` before any mapping work, in the words of POST /events. */
export function checkBatchSize(count: number, limits: ApiLimits): void {
  if (count > limits.maxEventsPerBatch) {
    throw new ApiError(
      413,
      'batch_too_large',
      `batch has ${count} events, at most ${limits.maxEventsPerBatch} are allowed per request`,
    );
  }
}
