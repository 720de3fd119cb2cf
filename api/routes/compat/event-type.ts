/**
 * Event name → `type`: how a Segment `track` name or a PostHog event name becomes one of our
 * event types, which must be a short identifier (see `CUSTOM_EVENT_TYPE`) because it is a
 * LowCardinality column and a Grafana label.
 *
 * The rule: lower-case the name and turn every run of characters outside `a-z0-9` into one
 * `_` ("Order Completed" → `order_completed`), with `_` at either end dropped ("Signed Up!"
 * → `signed_up`). Three cases the rule alone cannot serve get a `custom` prefix instead of
 * a rejection, so no event is lost for its name (the original name is always kept in
 * `properties['event']`):
 * - a result that does not start with a letter: "404 Error" → `custom_404_error`;
 * - a result that names one of our own types, which carry meaning in the marts (a pageview
 *   opens a page, a click counts for CTR, an identify links two ids): "Click" → `custom_click`;
 * - nothing left at all (a name in another script): "注文" → `custom`.
 * The result is cut to 64 characters.
 */

import { IDENTIFY_TYPE, KNOWN_EVENT_TYPES } from '../../event-rules.js';

/** Types with a meaning of their own in the marts: a client's event name never becomes one. */
export const RESERVED_TYPES: ReadonlySet<string> = new Set([...KNOWN_EVENT_TYPES, IDENTIFY_TYPE]);

const MAX_TYPE_LENGTH = 64;

/** The type for a client's event name (never throws; every string gets a valid type). */
export function eventNameToType(name: string): string {
  const snake = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (snake === '') return 'custom';
  const type = /^[a-z]/.test(snake) && !RESERVED_TYPES.has(snake) ? snake : `custom_${snake}`;
  // A cut can end in "_"; trimming it keeps "a_b_..." names tidy and is still unambiguous.
  return type.length <= MAX_TYPE_LENGTH ? type : type.slice(0, MAX_TYPE_LENGTH).replace(/_+$/, '');
}
