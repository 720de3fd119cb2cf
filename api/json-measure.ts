/**
 * Bounded measurement of a parsed JSON value: serialized size and nesting depth.
 *
 * Why not `Buffer.byteLength(JSON.stringify(v))`: `JSON.parse` happily builds a value
 * nested a million levels deep (it is iterative), but `JSON.stringify` is recursive and
 * throws "Maximum call stack size exceeded" on it, which would surface as a 500. This walk
 * uses an explicit stack and stops as soon as a limit is crossed, so a 1 MiB payload is
 * rejected after reading ~8 KiB of it rather than serialized whole.
 */

/**
 * The result of {@link measureJson}. `bytes` is exact when `ok`, a lower bound otherwise.
 * `not_finite`: a number JSON cannot represent (`1e400` parses to Infinity and would be
 * re-serialized as `null`); `path` names it, dotted from the measured value ("a.0.b").
 */
export type JsonMeasure =
  | { ok: true; bytes: number; depth: number }
  | { ok: false; reason: 'too_large' | 'too_deep'; bytes: number }
  | { ok: false; reason: 'not_finite'; bytes: number; path: string };

interface Item {
  value: unknown;
  depth: number;
  key: string;
  parent: Item | undefined;
}

/**
 * Size in UTF-8 bytes of `JSON.stringify(value)` and its nesting depth (a scalar is depth
 * 0, `{}` is 1), stopping early past `maxBytes` or `maxDepth`. Only meant for values
 * that came out of `JSON.parse` (no `undefined`, functions, cycles or `toJSON`).
 */
export function measureJson(value: unknown, maxBytes: number, maxDepth: number): JsonMeasure {
  let bytes = 0;
  let maxSeen = 0;
  const stack: Item[] = [{ value, depth: 0, key: '', parent: undefined }];
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
        for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], depth, key: String(i), parent: item });
      } else {
        const keys = Object.keys(v);
        bytes += 2 + Math.max(0, keys.length - 1);
        for (const key of keys) {
          bytes += stringBytes(key) + 1; // "key":
          stack.push({ value: (v as Record<string, unknown>)[key], depth, key, parent: item });
        }
      }
    } else {
      if (typeof v === 'number' && !Number.isFinite(v))
        return { ok: false, reason: 'not_finite', bytes, path: pathOf(item) };
      bytes += scalarBytes(v);
    }
    if (bytes > maxBytes) return { ok: false, reason: 'too_large', bytes };
  }
  return { ok: true, bytes, depth: maxSeen };
}

function pathOf(item: Item): string {
  const keys: string[] = [];
  for (let at: Item | undefined = item; at?.parent !== undefined; at = at.parent) keys.push(at.key);
  return keys.reverse().join('.');
}

function scalarBytes(v: unknown): number {
  if (typeof v === 'string') return stringBytes(v);
  if (typeof v === 'number') return String(v).length;
  if (typeof v === 'boolean') return v ? 4 : 5;
  return 4; // null
}

/**
 * UTF-8 bytes of `JSON.stringify(s)`, counted without building it (two native calls per
 * string were most of the measurement's cost): quotes, two-character escapes (`\"`, `\\`,
 * `\n`…), six-character ones (other controls, lone surrogates), then UTF-8 widths.
 */
function stringBytes(s: string): number {
  let bytes = 2;
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      if (c >= 0x20) bytes += c === 0x22 || c === 0x5c ? 2 : 1;
      else bytes += c === 0x08 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d ? 2 : 6;
    } else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 6; // a lone high surrogate is written as \udXXX
    } else if (c >= 0xdc00 && c <= 0xdfff) bytes += 6;
    else bytes += 3;
  }
  return bytes;
}
