/**
 * What Grafana's browser side does to a panel's SQL before the plugin backend sees it
 * (the plugin's `applyTemplateVariables`, src/data/CHDatasource.ts in 4.11.2):
 *  1. `$__conditionalAll(condition, $var)` becomes `1=1` when the variable is All (or
 *     empty), else the condition as written;
 *  2. templateSrv.replace with the plugin's format: a single value goes in raw, a multi
 *     value as 'a','b'; an explicit format such as `${site:singlequote}` wins. The panel's
 *     built-in scoped variables are replaced here too: `$__interval` (its text, e.g. 20s),
 *     `$__interval_ms`, and the range's `$__from` / `$__to` (epoch ms). Names nobody set
 *     (`$__timeFilter`, ...) are left for the backend.
 */
import { intervalText, type QueryTime } from './grafana-interval.js';

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

/** Replaces the given variables; leaves every other `$name` as it is. */
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

/** The plugin's getMacroArgs: the raw (untrimmed) arguments of the call opening at `open`. */
function macroArgs(text: string, open: number): string[] {
  const args: string[] = [];
  let depth = 0;
  let start = open + 1;
  for (let i = open; i < text.length; i++) {
    const ch = text[i];
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    if (ch === ',' && depth === 1) {
      args.push(text.slice(start, i));
      start = i + 1;
    }
    if (depth === 0) {
      args.push(text.slice(start, i));
      return args;
    }
  }
  return [];
}

const CONDITIONAL_ALL = '$__conditionalAll(';

/**
 * The plugin's `$__conditionalAll(condition, $var)`, innermost-last as it does (from the
 * last occurrence back). Where the plugin leaves a malformed call in the SQL (not exactly
 * two arguments), ClickHouse would fail on it: this refuses instead, naming the macro.
 */
export function applyConditionalAll(sql: string, values: VariableValues): string {
  let out = sql;
  for (let at = out.lastIndexOf(CONDITIONAL_ALL); at !== -1; at = out.lastIndexOf(CONDITIONAL_ALL)) {
    const params = macroArgs(out, at + CONDITIONAL_ALL.length - 1);
    if (params.length !== 2) {
      throw new Error(
        `$__conditionalAll needs exactly two arguments (condition, $variable), got ${params.length}: the plugin would send it to ClickHouse unexpanded`,
      );
    }
    const [condition, variable] = params as [string, string];
    const name = /(?<=\$\{)\w+(?=\})|(?<=\$)\w+/.exec(variable.trim())?.[0];
    const value = name === undefined ? undefined : values[name];
    const text = value === undefined ? undefined : typeof value === 'string' ? value : value.join(',');
    const phrase = text === '' || text === '$__all' ? '1=1' : condition;
    out = out.replace(`${CONDITIONAL_ALL}${condition},${variable})`, phrase);
  }
  return out;
}

/** The browser's whole step, for a panel rendered at `time`. */
export function browserInterpolate(sql: string, values: VariableValues, time: QueryTime): string {
  const builtIns = {
    __interval: intervalText(time.intervalMs),
    __interval_ms: String(time.intervalMs),
    __from: String(time.from.getTime()),
    __to: String(time.to.getTime()),
  };
  return interpolateVariables(applyConditionalAll(sql, values), { ...builtIns, ...values });
}
