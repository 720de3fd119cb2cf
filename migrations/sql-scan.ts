/**
 * Just enough SQL scanning to rewrite DDL for cluster mode: find a keyword at the top level
 * of a statement (outside parentheses and quotes), the parenthesis that closes an opening
 * one, split a list at top-level commas, and rename the tables a query reads. Comments are
 * gone by the time these run (sql-statements.ts drops them).
 */

/** Calls `visit(i, depth)` for each character outside quotes; stops when it returns true. */
function scan(sql: string, from: number, visit: (i: number, depth: number) => boolean): void {
  let depth = 0;
  let quote: string | null = null;
  for (let i = from; i < sql.length; i++) {
    const ch = sql[i]!;
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = null;
      continue;
    }
    if (ch === "'" || ch === '"' || ch === '`') {
      quote = ch;
      continue;
    }
    if (ch === ')') depth--;
    if (visit(i, depth)) return;
    if (ch === '(') depth++;
  }
}

const isWord = (ch: string | undefined) => ch !== undefined && /[A-Za-z0-9_]/.test(ch);

/**
 * Index of the first top-level occurrence of `words` (e.g. 'ORDER BY', case-insensitive,
 * any whitespace between the words) at or after `from`, or -1.
 */
export function findTopLevel(sql: string, words: string, from = 0): number {
  const pattern = new RegExp(`^${words.trim().split(/\s+/).join('\\s+')}(?![A-Za-z0-9_])`, 'i');
  let found = -1;
  scan(sql, from, (i, depth) => {
    if (depth !== 0 || isWord(sql[i - 1]) || !pattern.test(sql.slice(i, i + words.length + 32))) return false;
    found = i;
    return true;
  });
  return found;
}

/** Index of the `)` that closes the `(` at `open`. */
export function closingParen(sql: string, open: number): number {
  if (sql[open] !== '(') throw new Error(`expected "(" at ${open}: ${sql.slice(open, open + 40)}`);
  let found = -1;
  scan(sql, open + 1, (i, depth) => {
    if (depth < 0) {
      found = i;
      return true;
    }
    return false;
  });
  if (found === -1) throw new Error(`unbalanced parentheses in: ${sql.slice(open, open + 80)}`);
  return found;
}

/** Splits at top-level commas, trimming each part. */
export function splitTopLevel(sql: string): string[] {
  const parts: string[] = [];
  let start = 0;
  scan(sql, 0, (i, depth) => {
    if (depth === 0 && sql[i] === ',') {
      parts.push(sql.slice(start, i).trim());
      start = i + 1;
    }
    return false;
  });
  parts.push(sql.slice(start).trim());
  return parts.filter((p) => p !== '');
}

/**
 * Renames the tables a query reads: a bare identifier right after FROM or JOIN (at any
 * depth, outside quotes) that `rename` maps. Table functions (`FROM numbers(3)`), qualified
 * names and columns named like a table (`count() AS events`) are left alone.
 */
export function renameReadTables(sql: string, rename: (table: string) => string | undefined): string {
  const hits: Array<{ at: number; length: number; to: string }> = [];
  scan(sql, 0, (i) => {
    if (isWord(sql[i - 1])) return false;
    const match = /^(FROM|JOIN)\s+([A-Za-z_][A-Za-z0-9_]*)(?![A-Za-z0-9_.(])/i.exec(sql.slice(i, i + 200));
    if (!match) return false;
    const to = rename(match[2]!);
    if (to !== undefined) hits.push({ at: i + match[0].length - match[2]!.length, length: match[2]!.length, to });
    return false;
  });
  let out = sql;
  for (const hit of hits.reverse()) out = out.slice(0, hit.at) + hit.to + out.slice(hit.at + hit.length);
  return out;
}
