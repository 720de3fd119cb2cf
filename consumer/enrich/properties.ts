/**
 * Event `payload` → the columns `element_id`, `event_title`, `x`, `y`, plus `properties`
 * (everything else) as a ClickHouse `Map(String, String)`.
 *
 * Known keys get real columns because the marts filter and group on them (clicks per
 * element, heatmaps); free custom properties stay a map so sites can send anything without a
 * migration. The map has String values, so non-string values are JSON-encoded: a chart can
 * still `JSONExtract` them, and `'42'` vs `'"42"'` tells a number from a string.
 */

export interface SplitPayload {
  /** `payload.element_id` (numbers/booleans stringified); `''` when absent. */
  element_id: string;
  /** `payload.event_title` (numbers/booleans stringified); `''` when absent. */
  event_title: string;
  /**
   * Pointer coordinates in CSS pixels, rounded to integers and clamped to Int32; `null` when
   * absent or not a finite number. Left `null` rather than `0` so the consumer can choose
   * between a Nullable column and a default, and `0` (a real top/left click) stays distinct.
   */
  x: number | null;
  y: number | null;
  /**
   * Every other key. Strings as they are; everything else JSON-encoded (`3` → `'3'`,
   * `true` → `'true'`, `null` → `'null'`, objects and arrays → their JSON). A prototype-less
   * object, so a key such as `__proto__` is stored like any other instead of vanishing.
   */
  properties: Record<string, string>;
}

const INT32_MIN = -2_147_483_648;
const INT32_MAX = 2_147_483_647;

/**
 * Split an event payload into its known columns and the free-form rest.
 *
 * A known key with a value that cannot fill its column (an object as `element_id`, `'abc'`
 * as `x`) is **kept in `properties`** under its own name, so bad client data stays visible
 * instead of being dropped; `null`/`undefined` just mean "absent". A payload that is not a
 * plain object (null, array, string…) gives an empty result: the API's schema already
 * rejects those, this only guarantees the consumer never throws on them.
 */
export function splitPayload(payload: unknown): SplitPayload {
  const properties: Record<string, string> = Object.create(null) as Record<string, string>;
  const result: SplitPayload = { element_id: '', event_title: '', x: null, y: null, properties };
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return result;

  const source = payload as Record<string, unknown>;
  // for…in + hasOwn rather than Object.entries: no [key, value] array per property.
  for (const key in source) {
    if (!Object.hasOwn(source, key)) continue;
    const value = source[key];
    if (value === undefined) continue;
    switch (key) {
      case 'element_id':
      case 'event_title': {
        if (value === null) continue;
        const text = toLabel(value);
        if (text !== undefined) {
          result[key] = text;
          continue;
        }
        break; // not a label: falls through to properties below
      }
      case 'x':
      case 'y': {
        if (value === null) continue;
        const coordinate = toCoordinate(value);
        if (coordinate !== null) {
          result[key] = coordinate;
          continue;
        }
        break;
      }
    }
    const encoded = encodeValue(value);
    if (encoded !== undefined) properties[key] = encoded;
  }
  return result;
}

/** A string as is; a finite number or a boolean as text; anything else is not a label. */
function toLabel(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean') return String(value);
  return undefined;
}

/**
 * A coordinate from a finite number or a numeric string (`'120.5'`: some trackers stringify
 * everything), rounded (pointer events report fractions under zoom) and clamped to Int32.
 */
function toCoordinate(value: unknown): number | null {
  let n: number;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string' && value.trim() !== '') n = Number(value);
  else return null;
  if (!Number.isFinite(n)) return null;
  const rounded = Math.round(n);
  // `+ 0` turns the -0 that Math.round(-0.4) gives into 0.
  return rounded < INT32_MIN ? INT32_MIN : rounded > INT32_MAX ? INT32_MAX : rounded + 0;
}

/** The Map(String, String) value for a property; undefined when it cannot be encoded. */
function encodeValue(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint') return value.toString(); // JSON.stringify would throw
  try {
    // JSON.stringify gives undefined for functions/symbols, and throws on cycles: neither can
    // come out of JSON.parse, but this must never throw in the hot loop.
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}
