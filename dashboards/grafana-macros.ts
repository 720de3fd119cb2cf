/**
 * What Grafana sends to ClickHouse for a panel's SQL, reproduced so tests can run the real
 * queries without a Grafana:
 *
 * 1. Template variables, in the browser (`applyTemplateVariables` of the plugin's
 *    src/data/CHDatasource.ts): templateSrv.replace with the plugin's format, i.e. a single
 *    value goes in raw and a multi-value as 'a','b'; an explicit format such as
 *    `${site:singlequote}` wins. Unknown names ($__timeFilter, ...) are left alone.
 * 2. Macros, in the plugin backend (grafana/clickhouse-datasource pkg/macros/macros.go, run
 *    by grafana/sqlds): `$__name` followed by optional `(args)`, args split on top-level
 *    commas and trimmed:
 *      $__fromTime / $__toTime            toDateTime(<unix s>)
 *      $__fromTime_ms / $__toTime_ms      fromUnixTimestamp64Milli(<unix ms>)
 *      $__timeFilter(c)                   c >= toDateTime(<from s>) AND c <= toDateTime(<to s>)
 *      $__timeFilter_ms(c)                the same with fromUnixTimestamp64Milli
 *      $__dateFilter(c)                   c >= toDate('YYYY-MM-DD') AND c <= toDate('YYYY-MM-DD')
 *      $__dateTimeFilter(d, t) / $__dt    (date filter on d) AND (time filter on t)
 *      $__timeInterval(c)                 toStartOfInterval(toDateTime(c), INTERVAL <s> second)
 *      $__timeInterval_ms(c)              toStartOfInterval(toDateTime64(c, 3), INTERVAL <ms> millisecond)
 *      $__interval_s                      <s>   (interval seconds, truncated, at least 1)
 *    Dates are formatted in UTC (Grafana's container runs in UTC).
 */

export interface QueryTime {
  from: Date;
  to: Date;
  /** Grafana's $__interval for the panel, in ms (see {@link panelIntervalMs}). */
  intervalMs: number;
}

export type VariableValues = Readonly<Record<string, string | readonly string[]>>;

// Grafana's variable syntax: $name, [[name:format]], ${name.field:format}
const VARIABLE = /\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\$\{(\w+)(?:\.([^:^}]+))?(?::([^}]+))?\}/g;

function formatValue(value: string | readonly string[], format: string | undefined): string {
  const values = typeof value === 'string' ? [value] : value;
  switch (format) {
    case undefined: // the plugin's own format function
      return typeof value === 'string' ? value : `'${values.join("','")}'`;
    case 'raw':
      return values.join(',');
    case 'singlequote':
      return values.map((v) => `'${v.replace(/'/g, "\\'")}'`).join(',');
    case 'sqlstring':
      return values.map((v) => `'${v.replace(/'/g, "''")}'`).join(',');
    case 'csv':
      return values.join(',');
    default:
      throw new Error(`variable format "${format}" is not supported here; use singlequote, sqlstring, csv or raw`);
  }
}

/** Step 1: replaces the dashboard's variables; leaves every other `$name` as it is. */
export function interpolateVariables(sql: string, values: VariableValues): string {
  return sql.replace(
    VARIABLE,
    (
      match,
      plain?: string,
      bracket?: string,
      bracketFormat?: string,
      braced?: string,
      _field?: string,
      bracedFormat?: string,
    ) => {
      const name = plain ?? bracket ?? braced ?? '';
      const value = values[name];
      if (value === undefined) return match;
      return formatValue(value, bracketFormat ?? bracedFormat);
    },
  );
}

/** The names of the variables a text refers to (excluding `$__` built-ins and macros). */
export function referencedVariables(text: string): string[] {
  const names = new Set<string>();
  for (const m of text.matchAll(VARIABLE)) {
    const name = m[1] ?? m[2] ?? m[4] ?? '';
    if (!name.startsWith('__')) names.add(name);
  }
  return [...names];
}

const seconds = (d: Date) => Math.floor(d.getTime() / 1000);
const dateTime = (d: Date) => `toDateTime(${seconds(d)})`;
const dateTime64 = (d: Date) => `fromUnixTimestamp64Milli(${d.getTime()})`;
const date = (d: Date) => `toDate('${d.toISOString().slice(0, 10)}')`;
const intervalSeconds = (t: QueryTime) => Math.trunc(Math.max(t.intervalMs / 1000, 1));

type Macro = { args: number; expand: (args: string[], t: QueryTime) => string };

const MACROS: Record<string, Macro> = {
  fromTime: { args: 0, expand: (_, t) => dateTime(t.from) },
  toTime: { args: 0, expand: (_, t) => dateTime(t.to) },
  fromTime_ms: { args: 0, expand: (_, t) => dateTime64(t.from) },
  toTime_ms: { args: 0, expand: (_, t) => dateTime64(t.to) },
  timeFilter: { args: 1, expand: ([c], t) => `${c} >= ${dateTime(t.from)} AND ${c} <= ${dateTime(t.to)}` },
  timeFilter_ms: { args: 1, expand: ([c], t) => `${c} >= ${dateTime64(t.from)} AND ${c} <= ${dateTime64(t.to)}` },
  dateFilter: { args: 1, expand: ([c], t) => `${c} >= ${date(t.from)} AND ${c} <= ${date(t.to)}` },
  dateTimeFilter: {
    args: 2,
    expand: ([d, c], t) =>
      `(${d} >= ${date(t.from)} AND ${d} <= ${date(t.to)}) AND (${c} >= ${dateTime(t.from)} AND ${c} <= ${dateTime(t.to)})`,
  },
  timeInterval: {
    args: 1,
    expand: ([c], t) => `toStartOfInterval(toDateTime(${c}), INTERVAL ${intervalSeconds(t)} second)`,
  },
  timeInterval_ms: {
    args: 1,
    expand: ([c], t) =>
      `toStartOfInterval(toDateTime64(${c}, 3), INTERVAL ${Math.trunc(Math.max(t.intervalMs, 1))} millisecond)`,
  },
  interval_s: { args: 0, expand: (_, t) => String(intervalSeconds(t)) },
};
MACROS.dt = MACROS.dateTimeFilter!;

/** Splits `(a, f(b, c))` at top-level commas; returns the args and the length consumed. */
function parseArgs(text: string): { args: string[]; length: number } | undefined {
  if (text[0] !== '(') return undefined;
  let depth = 0;
  let start = 1;
  const args: string[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    if ((ch === ',' && depth === 1) || depth === 0) {
      args.push(text.slice(start, i).trim());
      start = i + 1;
    }
    if (depth === 0) return { args: args.length === 1 && args[0] === '' ? [] : args, length: i + 1 };
  }
  throw new Error(`unbalanced parentheses after a macro: ${text.slice(0, 60)}`);
}

/** Step 2: expands the plugin's macros. An unknown `$__name` is an error (ClickHouse would fail on it). */
export function expandMacros(sql: string, time: QueryTime): string {
  let out = '';
  let i = 0;
  const pattern = /\$__(\w+)/g;
  for (let m = pattern.exec(sql); m; m = pattern.exec(sql)) {
    const name = m[1]!;
    const macro = MACROS[name];
    if (!macro) throw new Error(`unknown macro ${m[0]} (the ClickHouse plugin has ${Object.keys(MACROS).join(', ')})`);
    const after = m.index + m[0].length;
    const parsed = parseArgs(sql.slice(after));
    const args = parsed?.args ?? [];
    if (args.length !== macro.args) {
      throw new Error(
        `$__${name} expects ${macro.args} argument(s), got ${args.length}: ${sql.slice(m.index, after + (parsed?.length ?? 0))}`,
      );
    }
    out += sql.slice(i, m.index) + macro.expand(args, time);
    i = after + (parsed?.length ?? 0);
    pattern.lastIndex = i;
  }
  return out + sql.slice(i);
}

/** Both steps, in Grafana's order: variables in the browser, then macros in the backend. */
export function renderQuery(sql: string, values: VariableValues, time: QueryTime): string {
  return expandMacros(interpolateVariables(sql, values), time);
}

// Grafana's kbn.roundInterval: the raw interval rounded to a "nice" one.
const ROUNDING: Array<[upToMs: number, intervalMs: number]> = [
  [10, 1],
  [15, 10],
  [35, 20],
  [75, 50],
  [150, 100],
  [350, 200],
  [750, 500],
  [1_500, 1_000],
  [3_500, 2_000],
  [7_500, 5_000],
  [12_500, 10_000],
  [17_500, 15_000],
  [25_000, 20_000],
  [45_000, 30_000],
  [90_000, 60_000],
  [210_000, 120_000],
  [450_000, 300_000],
  [750_000, 600_000],
  [1_050_000, 900_000],
  [1_500_000, 1_200_000],
  [2_700_000, 1_800_000],
  [5_400_000, 3_600_000],
  [9_000_000, 7_200_000],
  [16_200_000, 10_800_000],
  [32_400_000, 21_600_000],
  [86_400_000, 43_200_000],
  [604_800_000, 86_400_000],
  [1_814_400_000, 604_800_000],
  [3_628_800_000, 2_592_000_000],
];

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** '15m' -> 900000. */
export function durationMs(text: string): number {
  const m = /^(\d+)(ms|s|m|h|d|w)$/.exec(text.trim());
  if (!m) throw new Error(`expected a duration such as 30s, 15m, 1h; got "${text}"`);
  return Number(m[1]) * UNIT_MS[m[2]!]!;
}

/**
 * The $__interval Grafana computes for a panel: range / max data points (the panel's width in
 * pixels; 1000 here), rounded to a nice interval, and never below the panel's min interval.
 */
export function panelIntervalMs(from: Date, to: Date, minInterval?: string, maxDataPoints = 1000): number {
  const raw = (to.getTime() - from.getTime()) / maxDataPoints;
  const rounded = ROUNDING.find(([upTo]) => raw <= upTo)?.[1] ?? 31_536_000_000;
  return Math.max(rounded, minInterval ? durationMs(minInterval) : 0);
}
