/**
 * Reads a mart's SQL file (etl/sql/<mart>.sql) and expands `{{fragment}}` markers with
 * etl/sql/fragments/<fragment>.sql. Fragments are the shared CTEs (dedup, sessions), so
 * every mart deduplicates the same way. Only SQL text is spliced in; values always go in
 * as ClickHouse query params (`{name:Type}`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SQL_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'sql');
const MARKER = /\{\{([a-z_]+)\}\}/g;
const cache = new Map<string, string>();

/** Expands the `{{fragment}}` markers of `sql` (exported for tests and the funnel mart). */
export function expandFragments(sql: string, dir = SQL_DIR): string {
  return sql.replace(MARKER, (_marker, name: string) => {
    const file = path.join(dir, 'fragments', `${name}.sql`);
    if (!fs.existsSync(file)) throw new Error(`SQL fragment {{${name}}} not found: ${file}`);
    return fs.readFileSync(file, 'utf8').trim();
  });
}

/** The expanded SQL of etl/sql/<name>.sql, read once per process. */
export function martSql(name: string): string {
  let sql = cache.get(name);
  if (sql === undefined) {
    sql = expandFragments(fs.readFileSync(path.join(SQL_DIR, `${name}.sql`), 'utf8'));
    cache.set(name, sql);
  }
  return sql;
}
