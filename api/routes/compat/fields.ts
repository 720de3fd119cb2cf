/**
 * Small readers for client JSON whose fields may have any type: each returns the value
 * when it has the expected shape and `undefined` otherwise, so mappers stay declarative.
 */
import { EVENT_FIELDS } from '../../event-rules.js';

/** A plain object (not null, not an array). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The object at `value`, or undefined. */
export function objectAt(value: unknown): Record<string, unknown> | undefined {
  return isObject(value) ? value : undefined;
}

/** A non-empty string as is. */
export function stringAt(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * An id: a non-empty string, or a finite number as its decimal text (Segment and PostHog
 * both allow numeric ids). `null` (the JSON way to say "none") and absence are undefined;
 * anything else is `false`, so the caller can refuse it with the field named.
 */
export function idAt(value: unknown): string | undefined | false {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return false;
}

/** `source` without `keys` (a shallow copy; `source` is not changed). */
export function without(source: Record<string, unknown>, keys: ReadonlySet<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  // for…in + hasOwn: no [key, value] array per property (posthog-js sends ~50 of them).
  for (const key in source) {
    if (Object.hasOwn(source, key) && !keys.has(key)) setData(out, key, source[key]);
  }
  return out;
}

/** `target[key] = value`, except that a "__proto__" key stays data instead of becoming a prototype. */
export function setData(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/**
 * Adds a client message's unmapped top-level fields to `event`, where they become its
 * `extra`. A field that has the name of one of our own fields (a PostHog event's `"type":
 * "capture"`, a stray `url`) must not replace the mapped value: it goes to the payload
 * instead, unless the payload already has that key.
 */
export function addUnmappedFields(event: Record<string, unknown>, fields: Record<string, unknown>): void {
  const payload = event.payload as Record<string, unknown>;
  for (const [key, value] of Object.entries(fields)) {
    if (!EVENT_FIELDS.has(key))
      Object.defineProperty(event, key, { value, enumerable: true, writable: true, configurable: true });
    else if (!Object.hasOwn(payload, key)) payload[key] = value;
  }
}
