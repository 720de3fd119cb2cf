/**
 * The rules of one event's fields, shared by the zod schema
 * (event-schema.ts, which words the errors), its hot-path twin (event-fast-check.ts) and the
 * Segment / PostHog mappers (routes/compat/).
 */
import * as z from 'zod';
import { EVENT_TEXT_FIELDS } from '../lib/wire/index.js';

/**
 * The identity link: `{"type": "identify", "user_id": ..., "anonymous_id": ...}` says this
 * anonymous id is that user. The marts use it to count one person across devices; it is
 * not activity.
 */
export const IDENTIFY_TYPE = 'identify';

/** The built-in event types; any other `type` must match {@link CUSTOM_EVENT_TYPE}. */
export const KNOWN_EVENT_TYPES = ['pageview', 'impression', 'click'] as const;

/**
 * Custom event names: a letter, then letters, digits, `_ . : -`, 64 chars at most. Safe to
 * use as a ClickHouse LowCardinality value and a Grafana label without escaping.
 */
export const CUSTOM_EVENT_TYPE = /^[A-Za-z][A-Za-z0-9_.:-]{0,63}$/;

/** UUIDs that cannot name an event (zod's `uuid` accepts them). */
export const NIL_UUIDS = new Set(['00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff']);
/** An ISO 8601 date-time with seconds and an offset (`created_at`, `sent_at`). */
export const ISO_DATETIME = z.iso.datetime({
  offset: true,
  error: 'expected an ISO 8601 date-time with seconds and a timezone, e.g. 2025-01-01T10:00:00Z',
});
export const INT32_MIN = -2_147_483_648;
export const INT32_MAX = 2_147_483_647;
/** What `url` and `referrer` may be: empty, a path, or an absolute URL. */
export const isUrlOrPath = (v: string): boolean => v === '' || v.startsWith('/') || URL.canParse(v);

/** The top-level fields of a POST /events event; any other key is kept under `extra`. */
export const EVENT_FIELDS: ReadonlySet<string> = new Set(['type', 'event_id', ...EVENT_TEXT_FIELDS, 'payload']);
