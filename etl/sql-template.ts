/**
 * Reads a mart's SQL file (etl/sql/<mart>.sql) and expands `{{fragment}}` markers with
 * etl/sql/fragments/<fragment>.sql (fragments may use fragments). Fragments are the shared
 * CTEs (dedup, identity, sessions), so every mart deduplicates and stitches the same way.
 * A few markers are not files but SQL made per build (the site zones in use, see
 * etl/site-zones.ts): {@link renderSql} fills them. Only SQL text is spliced in; values
 * always go in as ClickHouse query params (`{name:Type}`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SQL_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'sql');
const MARKER = /\{\{([a-z_]+)\}\}/g;
/** Markers filled per build by {@link renderSql}, not from files. */
export const DYNAMIC_MARKERS = ['site_zone', 'local_date', 'event_filter'] as const;
export type DynamicMarker = (typeof DYNAMIC_MARKERS)[number];
const cache = new Map<string, string>();

/** Expands the `{{fragment}}` markers of `sql`, recursively; dynamic markers stay. */
export function expandFragments(sql: string, dir = SQL_DIR, depth = 0): string {
  if (depth > 8) throw new Error('SQL fragments nest more than 8 deep (a fragment includes itself?)');
  return sql.replace(MARKER, (marker, name: string) => {
    if ((DYNAMIC_MARKERS as readonly string[]).includes(name)) return marker;
    const file = path.join(dir, 'fragments', `${name}.sql`);
    if (!fs.existsSync(file)) throw new Error(`SQL fragment {{${name}}} not found: ${file}`);
    return expandFragments(fs.readFileSync(file, 'utf8').trim(), dir, depth + 1);
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

/** Fills the dynamic markers of an expanded SQL text; a marker left unfilled is an error. */
export function renderSql(sql: string, values: Partial<Record<DynamicMarker, string>>): string {
  return sql.replace(MARKER, (_marker, name: string) => {
    const value = values[name as DynamicMarker];
    if (value === undefined) throw new Error(`SQL marker {{${name}}} has no value for this build`);
    return value;
  });
}
