/**
 * The hot-path twin of the event schema's verdict: true exactly when the zod schema of
 * event-schema.ts accepts the event, in plain comparisons instead of zod's generic machinery
 * (zod took ~7 µs per event, most of the API's validation time). The schema stays the
 * definition: when this answers false, zod runs and its error messages are what the client
 * gets, so messages can never drift; event-fast-check.test.ts proves with fast-check that the
 * two agree on every event, valid or not.
 */
import * as z from 'zod';
import { CUSTOM_EVENT_TYPE, INT32_MAX, INT32_MIN, ISO_DATETIME, isUrlOrPath, NIL_UUIDS } from './event-rules.js';
import type { ApiLimits } from './limits.js';

/** True when the event (a plain object) passes the zod schema made for the same limits. */
export type FastEventCheck = (raw: Record<string, unknown>) => boolean;

/** Builds the check for `limits` (the same limits the schema was made with). */
export function createFastEventCheck(limits: ApiLimits): FastEventCheck {
  const { maxIdLength, maxUrlLength, maxTextLength } = limits;
  // zod's own patterns, so the two cannot differ on what a UUID or a date-time is.
  const UUID = patternOf(z.uuid());
  const DATETIME = patternOf(ISO_DATETIME);
  const id = (v: unknown) => v == null || (typeof v === 'string' && v.length >= 1 && v.length <= maxIdLength);
  const url = (v: unknown) => v == null || (typeof v === 'string' && v.length <= maxUrlLength && isUrlOrPath(v));
  const text = (v: unknown) => v == null || (typeof v === 'string' && v.length <= maxTextLength);
  const coordinate = (v: unknown) =>
    v == null || (typeof v === 'number' && Number.isFinite(v) && v >= INT32_MIN && v <= INT32_MAX);

  return function fastEventCheck(raw) {
    const type = raw.type;
    if (typeof type !== 'string' || !CUSTOM_EVENT_TYPE.test(type)) return false;
    const eventId = raw.event_id;
    if (eventId != null && (typeof eventId !== 'string' || !UUID.test(eventId) || NIL_UUIDS.has(eventId.toLowerCase())))
      return false;
    if (!id(raw.session_id) || !id(raw.anonymous_id)) return false;
    const userId = raw.user_id;
    if (typeof userId === 'number' ? !Number.isSafeInteger(userId) : !id(userId)) return false;
    if (!url(raw.url) || !url(raw.referrer) || !text(raw.user_agent)) return false;
    const createdAt = raw.created_at;
    if (createdAt != null && (typeof createdAt !== 'string' || !DATETIME.test(createdAt))) return false;
    const payload = raw.payload;
    if (payload == null) return true;
    if (typeof payload !== 'object' || Array.isArray(payload)) return false;
    const p = payload as Record<string, unknown>;
    return text(p.event_title) && id(p.element_id) && coordinate(p.x) && coordinate(p.y);
  };
}

function patternOf(schema: z.ZodType): RegExp {
  const pattern = (schema as unknown as { _zod: { pattern?: RegExp } })._zod.pattern;
  if (!(pattern instanceof RegExp)) throw new Error('zod: a string format schema exposes no pattern');
  return pattern;
}
