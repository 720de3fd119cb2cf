/**
 * A Segment or PostHog batch after mapping: events in the POST /events form, ready for the
 * same validation as any other event, plus what the mapping itself refused.
 */
import type { FieldError, RejectedEvent } from '../../event-schema.js';

/** An event in the POST /events form (the input of `validateBatch`, not yet validated). */
export type EventInput = Record<string, unknown>;

/**
 * The user agent of a message that names none. Browser SDKs always send the visitor's
 * (Segment's `context.userAgent`, posthog-js's `$raw_user_agent`); a message without one
 * comes from a server library, whose own
 * request header (`analytics-node-next/latest`) would mark the event as a bot's and drop it
 * from every mart. Empty means "device unknown", which the consumer does not call a bot.
 */
export const NO_USER_AGENT = '';

/** Why a client message cannot become an event. */
export interface Refusal {
  rejected: { errors: FieldError[]; reason: string };
}

/**
 * One client message, mapped: an event, or why it cannot become one. `clientIp` is the
 * visitor IP the message names (Segment's `context.ip`, PostHog's `$ip`), never stored.
 */
export type MappedMessage = { event: EventInput; clientIp?: string } | Refusal;

/** What a mapper gives the shared ingest path. */
export interface MappedBatch {
  /** The events that could be mapped, in the client's order. */
  events: EventInput[];
  /** `events[i]` is the client's message number `origin[i]`. */
  origin: number[];
  /** The messages the mapping refused, with their index in the client's batch. */
  rejected: RejectedEvent[];
  /** `clientIps[i]`: the visitor IP `events[i]` names, if any (see {@link MappedMessage}). */
  clientIps: Array<string | undefined>;
  /** The client's send time (ISO 8601), for the usual clock-skew correction. */
  sentAt?: string;
}

/** Maps every message of a client batch with `map`, keeping each event's origin. */
export function mapMessages(
  messages: readonly unknown[],
  map: (message: unknown) => MappedMessage,
  sentAt: string | undefined,
): MappedBatch {
  const batch: MappedBatch = { events: [], origin: [], rejected: [], clientIps: [] };
  if (sentAt !== undefined) batch.sentAt = sentAt;
  messages.forEach((message, index) => {
    const mapped = map(message);
    if ('event' in mapped) {
      batch.events.push(mapped.event);
      batch.origin.push(index);
      batch.clientIps.push(mapped.clientIp);
    } else {
      batch.rejected.push({ index, ...mapped.rejected });
    }
  });
  return batch;
}

/** A refusal by the mapping: one error, with a bounded reason code for the metrics. */
export function refuse(path: string, message: string, reason: string): Refusal {
  return { rejected: { errors: [{ path, message }], reason } };
}
