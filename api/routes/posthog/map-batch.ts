/**
 * A PostHog capture request body → a mapped batch. The endpoints take every shape PostHog's
 * own capture accepts: `{"api_key", "batch": [...], "sent_at"}` (posthog-node, posthog-js),
 * a bare array of events, `{"data": [...]}`, or one event object.
 */
import { ApiError } from '../../errors.js';
import type { ApiLimits } from '../../limits.js';
import { isObject } from '../compat/fields.js';
import { checkBatchSize } from '../compat/limits.js';
import { type MappedBatch, mapMessages } from '../compat/mapped-batch.js';
import { checkSentAt } from '../compat/sent-at.js';
import { mapPostHogEvent } from './map-event.js';

/** What {@link mapPostHogBody} needs. */
export interface PostHogBodyOptions {
  siteId: string;
  /** The key the request was authorized with. */
  key: string;
  limits: ApiLimits;
  /**
   * posthog-js's `?_=` query parameter: its clock (epoch ms) when it sent the request, the
   * send time when the body has no `sent_at`.
   */
  sentAtMs?: string | undefined;
}

/** The events of a body, whatever its shape; undefined when it has none of the known shapes. */
export function eventsOf(body: unknown): unknown[] | undefined {
  if (Array.isArray(body)) return body;
  if (!isObject(body)) return undefined;
  if (Array.isArray(body.batch)) return body.batch;
  if (Array.isArray(body.data)) return body.data;
  if (isObject(body.data)) return [body.data];
  if ('event' in body) return [body];
  return undefined;
}

/** Maps a parsed body. Throws 400 `invalid_batch` for an unknown shape or `sent_at`, 413 past the batch limit. */
export function mapPostHogBody(body: unknown, { siteId, key, limits, sentAtMs }: PostHogBodyOptions): MappedBatch {
  const events = eventsOf(body);
  if (events === undefined) {
    throw new ApiError(
      400,
      'invalid_batch',
      'body must be a PostHog event, an array of events, or {"api_key": "...", "batch": [...events]}',
    );
  }
  checkBatchSize(events.length, limits);
  const sentAt = checkSentAt(isObject(body) ? body.sent_at : undefined, 'sent_at') ?? msToIso(sentAtMs);
  return mapMessages(events, (e) => mapPostHogEvent(e, { siteId, key }), sentAt);
}

function msToIso(value: string | undefined): string | undefined {
  if (value === undefined || !/^\d{10,16}$/.test(value)) return undefined;
  return new Date(Number(value)).toISOString();
}
