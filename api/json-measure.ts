/**
 * Bounded measurement of a parsed JSON value: serialized size and nesting depth.
 *
 * Why not `Buffer.byteLength(JSON.stringify(v))`: `JSON.parse` happily builds a value
 * nested a million levels deep (it is iterative), but `JSON.stringify` is recursive and
 * throws "Maximum call stack size exceeded" on it, which would surface as a 500. This walk
 * uses an explicit stack and stops as soon as a limit is crossed, so a 1 MiB payload is
 * rejected after reading ~8 KiB of it rather than serialized whole.
 */

/** The result of {@link measureJson}. `bytes` is exact when `ok`, a lower bound otherwise. */
export type JsonMeasure =
  | { ok: true; bytes: number; depth: number }
  | { ok: false; reason: 'too_large' | 'too_deep'; bytes: number };

/**
 * Size in UTF-8 bytes of `JSON.stringify(value)` and its nesting depth (a scalar is depth
 * 0, `{}` is 1), stopping early past `maxBytes` or `maxDepth`. Only meant for values
 * that came out of `JSON.parse` (no `undefined`, functions, cycles or `toJSON`).
 */
export function measureJson(value: unknown, maxBytes: number, maxDepth: number): JsonMeasure {
  let bytes = 0;
  let maxSeen = 0;
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const item = stack.pop()!;
    const v = item.value;
    if (v !== null && typeof v === 'object') {
      const depth = item.depth + 1;
      if (depth > maxDepth) return { ok: false, reason: 'too_deep', bytes };
      if (depth > maxSeen) maxSeen = depth;
      if (Array.isArray(v)) {
        // brackets + commas between elements
        bytes += 2 + Math.max(0, v.length - 1);
        for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], depth });
      } else {
        const keys = Object.keys(v);
        bytes += 2 + Math.max(0, keys.length - 1);
        for (const key of keys) {
          bytes += stringBytes(key) + 1; // "key":
          stack.push({ value: (v as Record<string, unknown>)[key], depth });
        }
      }
    } else {
      bytes += scalarBytes(v);
    }
    if (bytes > maxBytes) return { ok: false, reason: 'too_large', bytes };
  }
  return { ok: true, bytes, depth: maxSeen };
}

function scalarBytes(v: unknown): number {
  if (typeof v === 'string') return stringBytes(v);
  if (typeof v === 'number') return Number.isFinite(v) ? String(v).length : 4; // NaN → null
  if (typeof v === 'boolean') return v ? 4 : 5;
  return 4; // null
}

function stringBytes(s: string): number {
  // Stringifying a string is not recursive, and gets escapes (\n, \u0000) counted right.
  return Buffer.byteLength(JSON.stringify(s), 'utf8');
}
