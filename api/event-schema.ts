/**
 * The event schema of POST /events, and per-event validation of a batch.
 *
 * One bad event never sinks its batch: each event gets its own verdict, and the valid ones
 * go through. Only envelope problems (not an array, too many events, bad `sent_at`) fail
 * the whole request.
 */
import * as z from 'zod';
import { ApiError } from './errors.js';
import { measureJson } from './json-measure.js';
import type { ApiLimits } from './limits.js';
import type { EventPayload, ValidatedEvent } from '../lib/wire/index.js';
import { createFastEventCheck, type FastEventCheck } from './event-fast-check.js';
import {
  CUSTOM_EVENT_TYPE,
  EVENT_FIELDS,
  IDENTIFY_TYPE,
  INT32_MAX,
  INT32_MIN,
  ISO_DATETIME,
  isUrlOrPath,
  NIL_UUIDS,
} from './event-rules.js';

export type { EventPayload, ValidatedEvent } from '../lib/wire/index.js';

/** A valid event and its position in the batch the client sent. */
export interface ValidEvent {
  index: number;
  event: ValidatedEvent;
}

/** One problem with one event; `path` is dotted from the event ("payload.x"), "" for the event itself. */
export interface FieldError {
  path: string;
  message: string;
}

/** A rejected event. `reason` is a bounded code (for metrics), taken from the first error. */
export interface RejectedEvent {
  index: number;
  errors: FieldError[];
  reason: string;
}

/** What {@link validateBatch} returns. `sentAt` is the batch's normalized `sent_at`, if any. */
export interface BatchVerdict {
  valid: ValidEvent[];
  rejected: RejectedEvent[];
  sentAt?: string;
}

/** More than this many errors per event are not worth sending back. */
const MAX_ERRORS_PER_EVENT = 10;

/** The zod schema of one event under `limits` (known fields only; see {@link validateBatch}). */
export function createEventSchema(limits: ApiLimits) {
  const id = z.string().min(1, { error: 'must not be empty' }).max(limits.maxIdLength);
  const url = z
    .string()
    .max(limits.maxUrlLength)
    .refine(isUrlOrPath, { error: 'expected an absolute URL or a path starting with /' });
  const text = z.string().max(limits.maxTextLength);
  // The x and y columns are Int32 (pixels): a value they cannot hold is refused, not clamped.
  const coordinate = z
    .number({ error: 'expected a finite number (page coordinate in CSS pixels)' })
    .min(INT32_MIN, { error: `expected a page coordinate of at least ${INT32_MIN}` })
    .max(INT32_MAX, { error: `expected a page coordinate of at most ${INT32_MAX}` });
  return z.looseObject({
    type: z.string({ error: 'required: pageview, impression, click or a custom name' }).regex(CUSTOM_EVENT_TYPE, {
      error: 'expected pageview, impression, click or a custom name: a letter, then up to 63 of A-Z a-z 0-9 _ . : -',
    }),
    event_id: z
      .uuid({ error: 'expected a UUID' })
      .refine((v) => !NIL_UUIDS.has(v.toLowerCase()), { error: 'the nil UUID cannot identify an event' })
      .nullish(),
    session_id: id.nullish(),
    user_id: z.union([id, z.int()], { error: 'expected a string or an integer' }).nullish(),
    anonymous_id: id.nullish(),
    url: url.nullish(),
    referrer: url.nullish(),
    created_at: ISO_DATETIME.nullish(),
    user_agent: text.nullish(),
    payload: z
      .looseObject({
        event_title: text.nullish(),
        element_id: id.nullish(),
        x: coordinate.nullish(),
        y: coordinate.nullish(),
      })
      .nullish(),
  });
}

type EventSchema = ReturnType<typeof createEventSchema>;
interface Validators {
  schema: EventSchema;
  fast: FastEventCheck;
}
// Building zod schemas is not free; one per limits object is enough.
const validators = new WeakMap<ApiLimits, Validators>();

/**
 * Validate a parsed body: a bare array of events or `{ "batch": [...], "sent_at": "..." }`.
 *
 * `created_at` must lie within [now - backfillWindowMs, now + maxFutureMs]. When the batch
 * carries `sent_at`, both bounds apply to the skew-corrected time
 * `created_at + (now - sent_at)`, the same correction the consumer applies for `ts`, so a
 * device whose clock is hours off is not punished. Out-of-window events are REJECTED, not
 * clamped: clamping invents a time and piles events onto a fake instant in the marts, while
 * a rejection is visible to the client in the 202 body and in the rejected-events metric.
 *
 * @param now milliseconds since the epoch: the server's receive time
 * @throws ApiError 400 `invalid_batch` for a wrong envelope, 413 `batch_too_large` past
 *   `maxEventsPerBatch` (an empty batch is not thrown: it is simply nothing valid)
 */
export function validateBatch(body: unknown, limits: ApiLimits, now: number): BatchVerdict {
  const { events, sentAt } = unwrapEnvelope(body, limits);
  let v = validators.get(limits);
  if (v === undefined) {
    v = { schema: createEventSchema(limits), fast: createFastEventCheck(limits) };
    validators.set(limits, v);
  }
  const skewMs = sentAt === undefined ? 0 : now - Date.parse(sentAt);
  const verdict: BatchVerdict = { valid: [], rejected: [] };
  if (sentAt !== undefined) verdict.sentAt = sentAt;
  events.forEach((raw, index) => {
    const result = validateEvent(v, raw, limits, now, skewMs);
    if ('errors' in result) {
      verdict.rejected.push({ index, errors: result.errors.slice(0, MAX_ERRORS_PER_EVENT), reason: result.reason });
    } else {
      verdict.valid.push({ index, event: result.event });
    }
  });
  return verdict;
}

function unwrapEnvelope(body: unknown, limits: ApiLimits): { events: unknown[]; sentAt?: string } {
  let events: unknown;
  let sentAt: string | undefined;
  if (Array.isArray(body)) {
    events = body;
  } else if (isPlainObject(body) && 'batch' in body) {
    events = body.batch;
    const raw = body.sent_at;
    if (raw !== undefined && raw !== null) {
      if (!ISO_DATETIME.safeParse(raw).success) {
        throw new ApiError(
          400,
          'invalid_batch',
          'sent_at must be an ISO 8601 date-time with a timezone, e.g. 2025-01-01T10:00:00Z',
        );
      }
      sentAt = new Date(raw as string).toISOString();
    }
  }
  if (!Array.isArray(events)) {
    throw new ApiError(
      400,
      'invalid_batch',
      'body must be a JSON array of events or an object {"batch": [...events], "sent_at": "..."}',
    );
  }
  if (events.length > limits.maxEventsPerBatch) {
    throw new ApiError(
      413,
      'batch_too_large',
      `batch has ${events.length} events, at most ${limits.maxEventsPerBatch} are allowed per request`,
    );
  }
  return sentAt === undefined ? { events } : { events, sentAt };
}

type EventResult = { event: ValidatedEvent } | { errors: FieldError[]; reason: string };
/** The known top-level fields of a valid event, as zod's output (or the raw event, identical when valid) has them. */
type EventFields = z.output<EventSchema>;

function validateEvent(
  { schema, fast }: Validators,
  raw: unknown,
  limits: ApiLimits,
  now: number,
  skewMs: number,
): EventResult {
  if (!isPlainObject(raw))
    return { errors: [{ path: '', message: 'expected an event object' }], reason: 'not_an_object' };
  let e: EventFields;
  // zod is the definition; the fast check accepts exactly the events it accepts (a property
  // test proves it), and zod runs whenever it does not, so every error message is zod's.
  if (fast(raw)) e = raw as EventFields;
  else {
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      const errors = parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
      const field = String(parsed.error.issues[0]?.path[0] ?? 'event');
      return { errors, reason: EVENT_FIELDS.has(field) ? `invalid_${field}` : 'invalid_event' };
    }
    e = parsed.data;
  }
  // Custom keys come from the parsed body, not zod's output: zod rebuilds the object by
  // assignment, which turns a "__proto__" key into a prototype instead of keeping it.
  const payload = stripNulls(isPlainObject(raw.payload) ? raw.payload : {});
  const extra = extraFields(raw);

  for (const [name, value] of [
    ['payload', payload],
    ['extra', extra],
  ] as const) {
    const keys = Object.keys(value).length;
    if (keys > limits.maxPayloadKeys) {
      return {
        errors: [{ path: name, message: `has ${keys} keys, at most ${limits.maxPayloadKeys} are allowed` }],
        reason: `${name}_too_many_keys`,
      };
    }
    const size = measureJson(value, limits.maxPayloadBytes, limits.maxPayloadDepth);
    if (!size.ok) {
      if (size.reason === 'not_finite') {
        // Extra fields are top-level fields of the event: their path has no prefix.
        const path = name === 'payload' ? `payload.${size.path}` : size.path;
        const message = 'is a number JSON cannot represent (out of the float64 range, e.g. 1e400)';
        return { errors: [{ path, message }], reason: 'number_not_finite' };
      }
      const message =
        size.reason === 'too_deep'
          ? `is nested deeper than ${limits.maxPayloadDepth} levels`
          : `is larger than ${limits.maxPayloadBytes} bytes as JSON`;
      return { errors: [{ path: name, message }], reason: `${name}_${size.reason}` };
    }
  }

  // An identify event is the identity link the marts stitch persons with: without both ids
  // it links nothing, and accepting it would hide the client's mistake.
  if (e.type === IDENTIFY_TYPE) {
    const missing = (['user_id', 'anonymous_id'] as const).filter((k) => e[k] == null);
    if (missing.length > 0) {
      return {
        errors: missing.map((k) => ({
          path: k,
          message: `an identify event links anonymous_id to user_id: ${k} is required`,
        })),
        reason: 'invalid_identify',
      };
    }
  }

  let createdAt: string | undefined;
  if (e.created_at != null) {
    const clientMs = Date.parse(e.created_at);
    const correctedMs = clientMs + skewMs;
    if (correctedMs > now + limits.maxFutureMs) {
      return timeError(
        `is ${minutes(correctedMs - now)} min in the future${skewMs ? ' (after clock-skew correction with sent_at)' : ''}; at most ${minutes(limits.maxFutureMs)} min is allowed`,
        'created_at_future',
      );
    }
    if (correctedMs < now - limits.backfillWindowMs) {
      return timeError(
        `is older than the backfill window of ${hours(limits.backfillWindowMs)} h${skewMs ? ' (after clock-skew correction with sent_at)' : ''}`,
        'created_at_too_old',
      );
    }
    createdAt = new Date(clientMs).toISOString();
  }

  const event: ValidatedEvent = {
    event_id: e.event_id?.toLowerCase() ?? crypto.randomUUID(),
    type: e.type,
    payload,
    extra,
  };
  if (e.session_id != null) event.session_id = e.session_id;
  if (e.user_id != null) event.user_id = String(e.user_id);
  if (e.anonymous_id != null) event.anonymous_id = e.anonymous_id;
  if (e.url) event.url = e.url; // "" (e.g. document.referrer with none) means absent
  if (e.referrer) event.referrer = e.referrer;
  if (createdAt !== undefined) event.created_at = createdAt;
  if (e.user_agent != null) event.user_agent = e.user_agent;
  return { event };
}

function timeError(message: string, reason: string): EventResult {
  return { errors: [{ path: 'created_at', message: `created_at ${message}` }], reason };
}

const minutes = (ms: number): number => Math.round(ms / 60_000);
const hours = (ms: number): number => Math.round(ms / 3_600_000);

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const KNOWN_PAYLOAD_KEYS = ['event_title', 'element_id', 'x', 'y'] as const;

/**
 * Drop null known keys (`x: null` means "no x"), keep custom properties as sent. The parsed
 * body's own object when there is nothing to drop (the common case: no copy).
 */
function stripNulls(payload: Record<string, unknown>): EventPayload {
  if (!KNOWN_PAYLOAD_KEYS.some((k) => payload[k] === null && Object.hasOwn(payload, k))) return payload;
  // fromEntries defines own properties, so a "__proto__" key stays data, not a prototype.
  return Object.fromEntries(
    Object.entries(payload).filter(([k, v]) => !(v === null && (KNOWN_PAYLOAD_KEYS as readonly string[]).includes(k))),
  );
}

/** Unknown top-level fields, kept as sent (usually none: no object is built then). */
function extraFields(raw: Record<string, unknown>): Record<string, unknown> {
  let extra: Record<string, unknown> | undefined;
  for (const key in raw) {
    if (!Object.hasOwn(raw, key) || EVENT_FIELDS.has(key)) continue;
    // defineProperty, not assignment: the key may be "__proto__".
    extra ??= {};
    Object.defineProperty(extra, key, { value: raw[key], enumerable: true, writable: true, configurable: true });
  }
  return extra ?? {};
}
