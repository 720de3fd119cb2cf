/**
 * Lone UTF-16 surrogates → U+FFFD, in every string and object key of a parsed JSON value.
 *
 * JSON allows `"\ud800"` (an escape of half a surrogate pair) although no Unicode text
 * contains it, and `JSON.parse` turns it into a JS string that no UTF-8 store can hold:
 * ClickHouse refuses the whole insert (CANNOT_PARSE_ESCAPE_SEQUENCE). Replacing the lone
 * half with U+FFFD is what every UTF-8 encoder does (`TextEncoder`, `Buffer.from`), so the
 * event is stored with the rest of its text intact instead of being refused or lost.
 *
 * Both the API (before it accepts an event) and the consumer (which does not trust the
 * topic: records written before this repair existed) use it.
 */

/** A lone surrogate can only come from a `\uD800`–`\uDFFF` escape in JSON text. */
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;

/** True when `jsonText` may hold a lone surrogate once parsed (cheap pre-check, no false negatives). */
export function mayHoldLoneSurrogates(jsonText: string): boolean {
  return SURROGATE_ESCAPE.test(jsonText);
}

/**
 * Repairs `value` in place (objects and arrays are kept, their strings and keys replaced)
 * and returns the repaired value with the number of strings that changed. A key that
 * changes is re-added under its repaired name (moving to the end of the key order).
 */
export function repairLoneSurrogates(value: unknown): { value: unknown; repaired: number } {
  if (typeof value === 'string') {
    return value.isWellFormed() ? { value, repaired: 0 } : { value: value.toWellFormed(), repaired: 1 };
  }
  let repaired = 0;
  // An explicit stack, not recursion: JSON.parse builds values nested arbitrarily deep.
  const stack: object[] = value !== null && typeof value === 'object' ? [value] : [];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const item: unknown = node[i];
        if (typeof item === 'string') {
          if (!item.isWellFormed()) {
            node[i] = item.toWellFormed();
            repaired++;
          }
        } else if (item !== null && typeof item === 'object') stack.push(item);
      }
      continue;
    }
    const record = node as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const item = record[key];
      const keyOk = key.isWellFormed();
      const itemOk = typeof item !== 'string' || item.isWellFormed();
      if (!keyOk || !itemOk) {
        if (!keyOk) delete record[key];
        // defineProperty, not assignment: the key may be "__proto__", which assignment
        // would turn into a prototype change instead of data.
        Object.defineProperty(record, keyOk ? key : key.toWellFormed(), {
          value: itemOk ? item : (item as string).toWellFormed(),
          enumerable: true,
          writable: true,
          configurable: true,
        });
        repaired += Number(!keyOk) + Number(!itemOk);
      }
      if (item !== null && typeof item === 'object') stack.push(item);
    }
  }
  return { value, repaired };
}
