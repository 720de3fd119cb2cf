/**
 * A Segment request body → a mapped batch. `/v1/batch` takes `{"batch": [...], "sentAt",
 * "context"}` (a batch-level `context` applies to every message, as Segment documents); the
 * single-call endpoints (`/v1/track` …) take one message, whose own `sentAt` is the send time.
 */
import { ApiError } from '../../errors.js';
import type { ApiLimits } from '../../limits.js';
import { isObject, objectAt } from '../compat/fields.js';
import { checkBatchSize } from '../compat/limits.js';
import { type MappedBatch, mapMessages } from '../compat/mapped-batch.js';
import { checkSentAt } from '../compat/sent-at.js';
import { mapSegmentMessage, type SegmentCall } from './map-message.js';

/** What {@link mapSegmentBody} needs. */
export interface SegmentBodyOptions {
  siteId: string;
  limits: ApiLimits;
  /** The call of a single-call endpoint; absent for `/v1/batch`. */
  call?: SegmentCall;
}

/**
 * Maps a parsed body. Throws 400 `invalid_batch` for a wrong envelope or `sentAt`, 413
 * `batch_too_large` past the batch limit; per-message problems are refusals in the result.
 */
export function mapSegmentBody(body: unknown, { siteId, limits, call }: SegmentBodyOptions): MappedBatch {
  if (call !== undefined) {
    if (!isObject(body))
      throw new ApiError(400, 'invalid_batch', `body must be one Segment ${call} message (an object)`);
    return mapMessages([body], (m) => mapSegmentMessage(m, { siteId, call }), checkSentAt(body.sentAt, 'sentAt'));
  }
  if (!isObject(body) || !Array.isArray(body.batch)) {
    throw new ApiError(400, 'invalid_batch', 'body must be an object {"batch": [...messages], "sentAt": "..."}');
  }
  checkBatchSize(body.batch.length, limits);
  const first = objectAt(body.batch[0]);
  const sentAt = checkSentAt(body.sentAt ?? first?.sentAt, 'sentAt');
  const batchContext = objectAt(body.context);
  return mapMessages(
    body.batch,
    (m) => mapSegmentMessage(m, batchContext === undefined ? { siteId } : { siteId, batchContext }),
    sentAt,
  );
}
