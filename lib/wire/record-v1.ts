/**
 * Version 1 of an `events.raw` record: one event per record, with the client IP in the clear.
 * No producer writes it any more (the API writes v2); the consumer still reads it, so records
 * written before an upgrade load after it. The encoder stays so tests and tools can write the
 * exact records an older API wrote.
 */
import type { ValidatedEvent } from './event.js';

/**
 * One accepted event plus the facts only the server knows. The key of a v1 record was
 * `${site_id}:${session_id ?? anonymous_id ?? user_id ?? ip}`.
 */
export interface RawEventMessageV1 {
  v: 1;
  site_id: string;
  /** `user_agent` defaulted to the request's `User-Agent` when the event had none. */
  event: ValidatedEvent;
  /** Server receive time, ISO 8601 UTC with milliseconds. */
  received_at: string;
  /** The batch's `sent_at` (client clock, normalized to UTC), or null when not sent. */
  sent_at: string | null;
  /** Client IP, used by the consumer for the visitor hash. */
  ip: string;
  /** The request's `User-Agent` header, or null. */
  request_ua: string | null;
  request_id: string;
  /** The site's IANA time zone, when the API knew it. */
  timezone?: string;
}

/** The key and value an older API wrote for one event. */
export function encodeV1Record(message: Omit<RawEventMessageV1, 'v'>): { key: string; value: string } {
  const e = message.event;
  const visitor = e.session_id ?? e.anonymous_id ?? e.user_id ?? message.ip;
  return { key: `${message.site_id}:${visitor}`, value: JSON.stringify({ v: 1, ...message }) };
}
