/**
 * What Grafana sends to ClickHouse for a panel's SQL, reproduced so tests can run the real
 * queries without a Grafana: the browser step (grafana-variables.ts), then the plugin
 * backend's macros, as grafana-plugin-sdk-go's sqlutil.Interpolate (v0.280.0, what plugin
 * 4.11.2 builds with through sqlds v5.0.1) applies them:
 *  - the SDK's default macros merged with the plugin's (pkg/macros/macros.go), the
 *    plugin's winning on a shared name (timeFilter);
 *  - names tried longest first; each `\$__name\b` match takes an optional `(args)`, split
 *    at top-level commas and trimmed (`()` is one empty argument, no parentheses none);
 *  - every occurrence of a match's text is replaced by its expansion.
 * The plugin's macros:
 *      $__fromTime / $__toTime            toDateTime(<unix s>)          (arguments ignored)
 *      $__fromTime_ms / $__toTime_ms      fromUnixTimestamp64Milli(<unix ms>)
 *      $__timeFilter(c)                   c >= toDateTime(<from s>) AND c <= toDateTime(<to s>)
 *      $__timeFilter_ms(c)                the same with fromUnixTimestamp64Milli
 *      $__dateFilter(c)                   c >= toDate('YYYY-MM-DD') AND c <= toDate('YYYY-MM-DD')
 *      $__dateTimeFilter(d, t) / $__dt    (date filter on d) AND (time filter on t)
 *      $__timeInterval(c)                 toStartOfInterval(toDateTime(c), INTERVAL <s> second)
 *      $__timeInterval_ms(c)              toStartOfInterval(toDateTime64(c, 3), INTERVAL <ms> millisecond)
 *      $__interval_s                      <s>   (interval seconds, truncated, at least 1)
 * and the SDK's that remain: $__timeFrom(c) `c >= '<RFC 3339 UTC>'`, $__timeTo(c), and
 * three this refuses ($__timeGroup, $__table, $__column, see below). Dates are UTC.
 *
 * The rule: where the plugin produces valid SQL, this produces the same text; where it
 * produces SQL that cannot run (an empty column, ClickHouse-less `datepart`, an empty table
 * name) or fails, this throws an error naming the macro, so a panel cannot render
 * differently in Grafana than in the tests. test/dashboards-macros.test.ts holds the
 * golden cases and proves each "broken" one fails on ClickHouse.
 */
import type { QueryTime } from './grafana-interval.js';
import { browserInterpolate, type VariableValues } from './grafana-variables.js';

export { durationMs, intervalText, panelIntervalMs, type QueryTime } from './grafana-interval.js';
export {
  applyConditionalAll,
  interpolateVariables,
  referencedVariables,
  type VariableValues,
} from './grafana-variables.js';

type Macro = (args: readonly string[] | undefined, t: QueryTime) => string;

const seconds = (d: Date) => Math.floor(d.getTime() / 1000);
const dateTime = (d: Date) => `toDateTime(${seconds(d)})`;
const dateTime64 = (d: Date) => `fromUnixTimestamp64Milli(${d.getTime()})`;
const date = (d: Date) => `toDate('${d.toISOString().slice(0, 10)}')`;
const rfc3339 = (d: Date) => `${d.toISOString().slice(0, 19)}Z`;
const intervalSeconds = (t: QueryTime) => Math.trunc(Math.max(t.intervalMs / 1000, 1));

/** Checks the argument count as the plugin does, then refuses an empty column it would splice in. */
function columns(name: string, count: number, args: readonly string[] | undefined): readonly string[] {
  const got = args ?? [];
  if (got.length !== count) {
    throw new Error(`$__${name} expects ${count} argument(s), received ${got.length} (the plugin fails the query)`);
  }
  if (got.some((a) => a === '')) {
    throw new Error(`$__${name} with an empty argument: the plugin would send broken SQL (no column to compare)`);
  }
  return got;
}

function refused(name: string, why: string): Macro {
  return () => {
    throw new Error(`$__${name} is not supported: ${why}`);
  };
}

const MACROS: Record<string, Macro> = {
  // grafana-plugin-sdk-go data/sqlutil DefaultMacros that survive the plugin's own
  timeFrom: (a, t) => `${columns('timeFrom', 1, a)[0]} >= '${rfc3339(t.from)}'`,
  timeTo: (a, t) => `${columns('timeTo', 1, a)[0]} <= '${rfc3339(t.to)}'`,
  timeGroup: refused(
    'timeGroup',
    'the SDK expands it to datepart(...), which ClickHouse has not; use $__timeInterval(c)',
  ),
  table: refused('table', 'in the SQL editor the query names no table, so the plugin expands it to nothing'),
  column: refused('column', 'in the SQL editor the query names no column, so the plugin expands it to nothing'),
  // Grafana's browser replaces $__interval and $__interval_ms before the backend runs (see
  // grafana-variables.ts), so the SDK's own expansions of them are never reached.
  // grafana/clickhouse-datasource pkg/macros/macros.go
  fromTime: (_, t) => dateTime(t.from),
  toTime: (_, t) => dateTime(t.to),
  fromTime_ms: (_, t) => dateTime64(t.from),
  toTime_ms: (_, t) => dateTime64(t.to),
  timeFilter: (a, t) => {
    const [c] = columns('timeFilter', 1, a);
    return `${c} >= ${dateTime(t.from)} AND ${c} <= ${dateTime(t.to)}`;
  },
  timeFilter_ms: (a, t) => {
    const [c] = columns('timeFilter_ms', 1, a);
    return `${c} >= ${dateTime64(t.from)} AND ${c} <= ${dateTime64(t.to)}`;
  },
  dateFilter: (a, t) => {
    const [c] = columns('dateFilter', 1, a);
    return `${c} >= ${date(t.from)} AND ${c} <= ${date(t.to)}`;
  },
  dateTimeFilter: (a, t) => dateTimeFilter('dateTimeFilter', a, t),
  dt: (a, t) => dateTimeFilter('dt', a, t),
  timeInterval: (a, t) =>
    `toStartOfInterval(toDateTime(${columns('timeInterval', 1, a)[0]}), INTERVAL ${intervalSeconds(t)} second)`,
  timeInterval_ms: (a, t) =>
    `toStartOfInterval(toDateTime64(${columns('timeInterval_ms', 1, a)[0]}, 3), INTERVAL ${Math.trunc(Math.max(t.intervalMs, 1))} millisecond)`,
  interval_s: (_, t) => String(intervalSeconds(t)),
};

function dateTimeFilter(name: string, args: readonly string[] | undefined, t: QueryTime): string {
  const [d, c] = columns(name, 2, args);
  return `(${d} >= ${date(t.from)} AND ${d} <= ${date(t.to)}) AND (${c} >= ${dateTime(t.from)} AND ${c} <= ${dateTime(t.to)})`;
}

// Longest first, as sqlutil sorts them (ties in name order; no expansion yields another name).
const ORDER = Object.keys(MACROS).sort((a, b) => b.length - a.length || a.localeCompare(b));

/** sqlutil's parseArgs: undefined without `(`, else the trimmed args and the length consumed. */
function parseArgs(text: string): { args: string[] | undefined; length: number } {
  if (text[0] !== '(') return { args: undefined, length: 0 };
  const args: string[] = [];
  let depth = 0;
  let arg = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '(') {
      depth++;
      if (depth === 1) continue;
    } else if (ch === ')') {
      depth--;
      if (depth === 0) {
        args.push(arg.trim());
        return { args, length: i + 1 };
      }
    } else if (ch === ',' && depth === 1) {
      args.push(arg.trim());
      arg = '';
      continue;
    }
    arg += ch;
  }
  throw new Error(`failed to parse macro arguments (missing close bracket?): ${text.slice(0, 60)}`);
}

/** The backend step: expands the plugin's macros; an unknown `$__name` is refused. */
export function expandMacros(sql: string, time: QueryTime): string {
  let out = sql;
  for (const name of ORDER) {
    const pattern = new RegExp(`\\$__${name}\\b`, 'g');
    const matches: Array<{ full: string; args: string[] | undefined }> = [];
    for (const m of out.matchAll(pattern)) {
      const after = m.index + m[0].length;
      const { args, length } = parseArgs(out.slice(after));
      matches.push({ full: out.slice(m.index, after + length), args });
    }
    // split/join, not replaceAll: a replacement string would give `$&` and `$'` special meaning
    for (const { full, args } of matches) out = out.split(full).join(MACROS[name]!(args, time));
  }
  const unknown = /\$__\w+/.exec(out);
  if (unknown) {
    throw new Error(`unknown macro ${unknown[0]}: the plugin leaves it in the SQL and ClickHouse fails on it`);
  }
  return out;
}

/** Both steps, in Grafana's order: the browser's variables, then the backend's macros. */
export function renderQuery(sql: string, values: VariableValues, time: QueryTime): string {
  return expandMacros(browserInterpolate(sql, values, time), time);
}
