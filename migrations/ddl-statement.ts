/**
 * What a migration statement does, parsed from its text: the forms the migration files use
 * (tables, views, materialized views, ALTER, RENAME, DROP, INSERT). Cluster mode rewrites
 * each form its own way (cluster-ddl.ts); anything else is `other`, which one server runs
 * as written and a cluster refuses with the statement named.
 */
import { closingParen, findTopLevel, splitTopLevel } from './sql-scan.js';

/** `ENGINE = Name(args) <rest>`: the table engine, its arguments, the clauses after it. */
export interface Storage {
  engine: string;
  args: string | undefined;
  /** PARTITION BY, ORDER BY, TTL, SETTINGS ..., as written. */
  clauses: string;
}

export type DdlStatement =
  | {
      kind: 'create-table';
      name: string;
      orReplace: boolean;
      ifNotExists: boolean;
      /** The column list, without its parentheses. */
      columns: string | undefined;
      /** `CREATE TABLE x AS other`: the table whose structure (and engine) it copies. */
      copyOf: string | undefined;
      storage: Storage | undefined;
      /** `... AS SELECT ...`: the query that fills it. */
      select: string | undefined;
    }
  | { kind: 'create-view'; name: string; orReplace: boolean; ifNotExists: boolean; select: string }
  | { kind: 'create-mv'; name: string; ifNotExists: boolean; to: string; select: string }
  | { kind: 'alter'; table: string; commands: string[] }
  | { kind: 'rename'; ifExists: boolean; from: string; to: string }
  | { kind: 'drop'; object: 'TABLE' | 'VIEW'; ifExists: boolean; name: string }
  | { kind: 'insert'; table: string }
  | { kind: 'other' };

const NAME = '([A-Za-z_][A-Za-z0-9_]*)';
const CREATE_TABLE = new RegExp(`^CREATE\\s+(OR\\s+REPLACE\\s+)?TABLE\\s+(IF\\s+NOT\\s+EXISTS\\s+)?${NAME}\\s*`, 'i');
const CREATE_VIEW = new RegExp(
  `^CREATE\\s+(OR\\s+REPLACE\\s+)?VIEW\\s+(IF\\s+NOT\\s+EXISTS\\s+)?${NAME}\\s+AS\\s+([\\s\\S]+)$`,
  'i',
);
const CREATE_MV = new RegExp(
  `^CREATE\\s+MATERIALIZED\\s+VIEW\\s+(IF\\s+NOT\\s+EXISTS\\s+)?${NAME}\\s+TO\\s+${NAME}\\s+AS\\s+([\\s\\S]+)$`,
  'i',
);
const ALTER = new RegExp(`^ALTER\\s+TABLE\\s+${NAME}\\s+([\\s\\S]+)$`, 'i');
const RENAME = new RegExp(`^RENAME\\s+TABLE\\s+(IF\\s+EXISTS\\s+)?${NAME}\\s+TO\\s+${NAME}$`, 'i');
const DROP = new RegExp(`^DROP\\s+(TABLE|VIEW)\\s+(IF\\s+EXISTS\\s+)?${NAME}(\\s+SYNC)?$`, 'i');
const INSERT = new RegExp(`^INSERT\\s+INTO\\s+${NAME}[\\s(]`, 'i');

/** Splits `ENGINE = X(args) clauses`. */
export function parseStorage(text: string): Storage {
  const match = /^ENGINE\s*=\s*([A-Za-z_][A-Za-z0-9_]*)\s*/i.exec(text.trim());
  if (!match) throw new Error(`expected ENGINE = ... in: ${text.slice(0, 80)}`);
  const body = text.trim();
  let at = match[0].length;
  let args: string | undefined;
  if (body[at] === '(') {
    const close = closingParen(body, at);
    args = body.slice(at + 1, close).trim() || undefined;
    at = close + 1;
  }
  return { engine: match[1]!, args, clauses: body.slice(at).trim() };
}

/** The ORDER BY expression of a storage's clauses, without outer parentheses. */
export function sortingKey(storage: Storage): string | undefined {
  const at = findTopLevel(storage.clauses, 'ORDER BY');
  if (at === -1) return undefined;
  const rest = storage.clauses.slice(at).replace(/^ORDER\s+BY\s+/i, '');
  const ends = ['PRIMARY KEY', 'SAMPLE BY', 'TTL', 'SETTINGS', 'PARTITION BY']
    .map((w) => findTopLevel(rest, w))
    .filter((i) => i > 0);
  const key = rest.slice(0, ends.length ? Math.min(...ends) : undefined).trim();
  return key.startsWith('(') && closingParen(key, 0) === key.length - 1 ? key.slice(1, -1).trim() : key;
}

function parseCreateTable(sql: string, head: RegExpExecArray): DdlStatement {
  let rest = sql.slice(head[0].length).trim();
  let columns: string | undefined;
  let copyOf: string | undefined;
  if (rest.startsWith('(')) {
    const close = closingParen(rest, 0);
    columns = rest.slice(1, close).trim();
    rest = rest.slice(close + 1).trim();
  } else {
    const as = /^AS\s+([A-Za-z_][A-Za-z0-9_]*)(?![A-Za-z0-9_.(])\s*/i.exec(rest);
    if (as && !/^(SELECT|WITH)$/i.test(as[1]!)) {
      copyOf = as[1];
      rest = rest.slice(as[0].length).trim();
    }
  }
  let select: string | undefined;
  const as = findTopLevel(rest, 'AS');
  if (as !== -1) {
    select = rest
      .slice(as)
      .replace(/^AS\s+/i, '')
      .trim();
    rest = rest.slice(0, as).trim();
  }
  return {
    kind: 'create-table',
    name: head[3]!,
    orReplace: head[1] !== undefined,
    ifNotExists: head[2] !== undefined,
    columns,
    copyOf,
    storage: rest === '' ? undefined : parseStorage(rest),
    select,
  };
}

/** Parses one statement (no comments, no trailing semicolon). */
export function parseDdl(sql: string): DdlStatement {
  const text = sql.trim();
  const table = CREATE_TABLE.exec(text);
  if (table) return parseCreateTable(text, table);
  const view = CREATE_VIEW.exec(text);
  if (view)
    return {
      kind: 'create-view',
      name: view[3]!,
      orReplace: view[1] !== undefined,
      ifNotExists: view[2] !== undefined,
      select: view[4]!,
    };
  const mv = CREATE_MV.exec(text);
  if (mv) return { kind: 'create-mv', ifNotExists: mv[1] !== undefined, name: mv[2]!, to: mv[3]!, select: mv[4]! };
  const alter = ALTER.exec(text);
  if (alter) return { kind: 'alter', table: alter[1]!, commands: splitTopLevel(alter[2]!) };
  const rename = RENAME.exec(text);
  if (rename) return { kind: 'rename', ifExists: rename[1] !== undefined, from: rename[2]!, to: rename[3]! };
  const drop = DROP.exec(text);
  if (drop)
    return {
      kind: 'drop',
      object: drop[1]!.toUpperCase() as 'TABLE' | 'VIEW',
      ifExists: drop[2] !== undefined,
      name: drop[3]!,
    };
  const insert = INSERT.exec(text);
  if (insert) return { kind: 'insert', table: insert[1]! };
  return { kind: 'other' };
}
