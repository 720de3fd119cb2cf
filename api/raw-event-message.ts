/**
 * The value of one message on the Kafka topic `events.raw`: the contract between the API
 * (producer) and the consumer. Change it only by bumping `v`.
 */
import type { ValidatedEvent } from './event-schema.js';

export type { EventPayload, ValidatedEvent } from './event-schema.js';

/**
 * One accepted event plus the facts only the server knows. JSON-encoded as the message
 * value; the message key is `${site_id}:${session_id ?? anonymous_id ?? user_id ?? ip}`, so
 * one session's events stay in one partition, in order.
 *
 * Clock skew: the consumer's event time is `event.created_at + (received_at - sent_at)` when
 * both `created_at` and `sent_at` are present, `event.created_at` when only it is, and
 * `received_at` otherwise. The API validated the time window with that same formula.
 */
export interface RawEventMessage {
  /** Schema version of this value. */
  v: 1;
  site_id: string;
  /**
   * The validated event: `event_id` always set (server-made if the client sent none),
   * `user_agent` defaulted to the request's `User-Agent` when the event had none.
   */
  event: ValidatedEvent;
  /** Server receive time, ISO 8601 UTC with milliseconds. */
  received_at: string;
  /** The batch's `sent_at` (client clock, normalized to UTC), or null when not sent. */
  sent_at: string | null;
  /** Client IP (X-Forwarded-For only behind a trusted proxy). For the visitor hash only: the consumer must not store it. */
  ip: string;
  /** The request's `User-Agent` header, or null. */
  request_ua: string | null;
  /** The request id, as in the API's `X-Request-Id` answer and log lines. */
  request_id: string;
  /**
   * The site's IANA time zone when the API took the event (added within v1: absent in
   * older messages, which means UTC). The consumer picks the visitor salt of the site's
   * local day and stamps the event's local date with it.
   */
  timezone?: string;
}

/** Server facts shared by all events of one request. */
export type RequestFacts = Omit<RawEventMessage, 'v' | 'event'>;

/** The Kafka key and value for one event of a request. */
export function toRawEventMessage(event: ValidatedEvent, facts: RequestFacts): { key: string; value: string } {
  const withUa =
    event.user_agent === undefined && facts.request_ua !== null ? { ...event, user_agent: facts.request_ua } : event;
  const message: RawEventMessage = {
    v: 1,
    site_id: facts.site_id,
    event: withUa,
    received_at: facts.received_at,
    sent_at: facts.sent_at,
    ip: facts.ip,
    request_ua: facts.request_ua,
    request_id: facts.request_id,
    ...(facts.timezone ? { timezone: facts.timezone } : {}),
  };
  const visitor = event.session_id ?? event.anonymous_id ?? event.user_id ?? facts.ip;
  return { key: `${facts.site_id}:${visitor}`, value: JSON.stringify(message) };
}
