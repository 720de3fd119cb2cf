/**
 * The event's `ts`: the client's `created_at`, corrected for the client's clock skew.
 *
 * Client clocks are wrong (minutes, sometimes years) and events can be queued for a while
 * before they are sent (beacons, offline apps). The client stamps each event with
 * `created_at` and the whole batch with `sent_at`, both on *its* clock; the API stamps
 * `received_at` on *ours*. `received_at − sent_at` is the client's offset (plus network
 * time, which we accept: it is small and always positive), and adding it to `created_at`
 * moves the event onto our clock while keeping the gaps between events intact.
 * This is the approach of Segment and PostHog.
 */

export interface EventTimeInput {
  /** Client time the event happened (ISO 8601); missing or invalid → `receivedAt` is used. */
  createdAt?: string | undefined;
  /** Client time the batch was sent (ISO 8601); missing or invalid → no skew correction. */
  sentAt?: string | undefined;
  /** Server time the API received the batch (ISO 8601). Server-made, so it must be valid. */
  receivedAt: string;
}

export interface EventTimeOptions {
  /**
   * Oldest accepted age of the corrected time, relative to `receivedAt`. Older → `receivedAt`
   * is used instead. Unset = no lower bound. Worth setting (e.g. 7 days): ClickHouse
   * partitions `events` by day, and an insert touching more than
   * `max_partitions_per_insert_block` (100) days fails as a whole, so one client with a clock
   * in 1970 and no `sent_at` could otherwise poison a batch.
   */
  maxAgeMs?: number | undefined;
}

export interface CorrectedEventTime {
  /** The event time on the server's clock, never after `receivedAt`. */
  ts: Date;
  /**
   * The measured client clock offset, `receivedAt − sentAt` in ms (positive: the client's
   * clock is behind ours). 0 when `sentAt` is missing or invalid. Reported even when
   * `createdAt` was unusable, so it can feed a skew histogram.
   */
  skewMs: number;
}

/**
 * ISO 8601 / RFC 3339 date-time, the form the wire contract asks for: date, `T` (or a space,
 * as ClickHouse prints it), `HH:mm[:ss[.fraction]]`, optional `Z` or `±HH[:]mm`. Checked
 * before `Date.parse` because V8 also accepts loose forms (`'1'` is the year 2001, `'March
 * 7'` is local time) that would be silently wrong. Compiled once, here.
 */
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?$/;
/** The numeric offset at the end of a string that matched ISO_DATE_TIME. */
const ENDS_WITH_OFFSET = /[+-]\d{2}:?\d{2}$/;
const CHAR_Z = 0x5a;

/**
 * Correct a client event time for clock skew:
 *
 * - `ts = createdAt + (receivedAt − sentAt)` when both client times are valid;
 * - `ts = createdAt` when `sentAt` is missing or invalid (nothing to measure the skew with);
 * - `ts = receivedAt` when `createdAt` is missing or invalid, or older than `maxAgeMs`;
 * - then clamped: never after `receivedAt` (an event cannot happen after we received it; a
 *   future time means a clock we could not correct).
 *
 * A date-time without an offset is read as UTC (not the server's local zone, which would make
 * the answer depend on where the consumer runs).
 *
 * @throws {RangeError} when `receivedAt` is not a valid ISO date-time: it is set by our API,
 *   so that is a bug upstream, not bad client data, and the event belongs in the DLQ.
 */
export function correctEventTime(
  { createdAt, sentAt, receivedAt }: EventTimeInput,
  { maxAgeMs }: EventTimeOptions = {},
): CorrectedEventTime {
  const received = parseIsoMs(receivedAt);
  if (Number.isNaN(received)) {
    throw new RangeError(`correctEventTime: receivedAt is not an ISO 8601 date-time: ${JSON.stringify(receivedAt)}`);
  }
  const sent = parseIsoMs(sentAt);
  const skewMs = Number.isNaN(sent) ? 0 : received - sent;

  return { ts: new Date(correctedMs(createdAt, skewMs, received, maxAgeMs)), skewMs };
}

/**
 * {@link correctEventTime} for the hot path, in epoch ms, when the caller has already parsed
 * the request's times (the same for all its events) and measured the skew.
 */
export function correctedMs(
  createdAt: string | undefined,
  skewMs: number,
  receivedMs: number,
  maxAgeMs: number | undefined,
): number {
  const created = parseIsoMs(createdAt);
  let ts = Number.isNaN(created) ? receivedMs : created + skewMs;
  if (ts > receivedMs) ts = receivedMs;
  if (maxAgeMs !== undefined && receivedMs - ts > maxAgeMs) ts = receivedMs;
  return ts;
}

/**
 * Epoch ms of an ISO 8601 date-time, or NaN for anything else (including non-strings, so a
 * number that slipped past validation is "invalid", not a timestamp in some unit we guess).
 */
export function parseIsoMs(value: string | undefined): number {
  if (typeof value !== 'string') return Number.NaN;
  if (!ISO_DATE_TIME.test(value)) return Number.NaN;
  // `test` + a char check rather than `exec`: no match array per call for the usual `…Z`.
  const hasZone = value.charCodeAt(value.length - 1) === CHAR_Z || ENDS_WITH_OFFSET.test(value);
  // No offset: read as UTC. Date.parse would use the host's local time zone.
  return Date.parse(hasZone ? value : `${value}Z`);
}
