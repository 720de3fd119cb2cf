/**
 * Golden edge cases of the Grafana ClickHouse plugin (4.11.2): each records the exact text
 * the plugin sends to ClickHouse (read off its Go and TypeScript code and the SDK's
 * sqlutil) and whether ClickHouse runs it. dashboards/grafana-macros.test.ts holds the
 * expander to them; test/dashboards-macros.test.ts asks ClickHouse whether each runs.
 */
import type { VariableValues } from '../../dashboards/grafana-macros.js';

// A one-row table for the golden queries to run against.
const T = "(SELECT toDateTime('2015-01-01 00:00:00', 'UTC') AS ts, 'a' AS site_id) AS t";

export interface Golden {
  sql: string;
  values?: VariableValues;
  /** What plugin 4.11.2 sends to ClickHouse; undefined where the plugin fails the query itself. */
  plugin: string | undefined;
  /** Whether ClickHouse runs the plugin's text. */
  runs: boolean;
  /** For the cases the expander refuses: the error it must give (naming the macro). */
  refuse?: RegExp;
}

export const GOLDENS: Record<string, Golden> = {
  '$__timeFilter() with no argument: an empty column': {
    sql: `SELECT count() FROM ${T} WHERE $__timeFilter()`,
    plugin: `SELECT count() FROM ${T} WHERE  >= toDateTime(1415792726) AND  <= toDateTime(1447328726)`,
    runs: false,
    refuse: /\$__timeFilter with an empty argument/,
  },
  '$__fromTime(x): the argument is dropped': {
    sql: 'SELECT $__fromTime(x) AS f, $__toTime_ms(y) AS t, $__interval_s(z) AS i',
    plugin: 'SELECT toDateTime(1415792726) AS f, fromUnixTimestamp64Milli(1447328726371) AS t, 20 AS i',
    runs: true,
  },
  '$__timeFrom / $__timeTo (SDK defaults): RFC 3339 strings': {
    sql: `SELECT count() FROM ${T} WHERE $__timeFrom(ts) AND $__timeTo(ts)`,
    plugin: `SELECT count() FROM ${T} WHERE ts >= '2014-11-12T11:45:26Z' AND ts <= '2015-11-12T11:45:26Z'`,
    runs: true,
  },
  '$__timeFrom() with no argument': {
    sql: `SELECT count() FROM ${T} WHERE $__timeFrom()`,
    plugin: `SELECT count() FROM ${T} WHERE  >= '2014-11-12T11:45:26Z'`,
    runs: false,
    refuse: /\$__timeFrom with an empty argument/,
  },
  '$__timeGroup (SDK default): datepart, which ClickHouse has not': {
    sql: `SELECT $__timeGroup(ts, day) AS d FROM ${T} GROUP BY d`,
    plugin: `SELECT datepart(day, ts),datepart(month, ts),datepart(year, ts) AS d FROM ${T} GROUP BY d`,
    runs: false,
    refuse: /\$__timeGroup is not supported/,
  },
  '$__timeGroup with one argument: the SDK fails the query': {
    sql: `SELECT $__timeGroup(ts) AS d FROM ${T}`,
    plugin: undefined,
    runs: false,
    refuse: /\$__timeGroup is not supported/,
  },
  '$__interval (browser built-in): its text, 20s': {
    sql: "SELECT '$__interval' AS i, $__interval_ms AS ms",
    plugin: "SELECT '20s' AS i, 20000 AS ms",
    runs: true,
  },
  '$__interval in an INTERVAL: the same text, which ClickHouse refuses in Grafana and in the tests alike': {
    sql: `SELECT toStartOfInterval(ts, INTERVAL $__interval) AS b FROM ${T}`,
    plugin: `SELECT toStartOfInterval(ts, INTERVAL 20s) AS b FROM ${T}`,
    runs: false,
  },
  '$__table (SDK default): empty in the SQL editor': {
    sql: 'SELECT count() FROM $__table',
    plugin: 'SELECT count() FROM ',
    runs: false,
    refuse: /\$__table is not supported/,
  },
  '$__column (SDK default): empty in the SQL editor': {
    sql: `SELECT $__column FROM ${T}`,
    plugin: `SELECT  FROM ${T}`,
    runs: false,
    refuse: /\$__column is not supported/,
  },
  '$__conditionalAll with a chosen value: the condition': {
    sql: `SELECT count() FROM ${T} WHERE $__conditionalAll(site_id IN ($site), $site)`,
    values: { site: ['a', 'b'] },
    plugin: `SELECT count() FROM ${T} WHERE site_id IN ('a','b')`,
    runs: true,
  },
  '$__conditionalAll with All: 1=1': {
    sql: `SELECT count() FROM ${T} WHERE $__conditionalAll(site_id IN ($site), \${site})`,
    values: { site: '$__all' },
    plugin: `SELECT count() FROM ${T} WHERE 1=1`,
    runs: true,
  },
  '$__conditionalAll with one argument: left in the SQL': {
    sql: `SELECT count() FROM ${T} WHERE $__conditionalAll(site_id = 'a')`,
    plugin: `SELECT count() FROM ${T} WHERE $__conditionalAll(site_id = 'a')`,
    runs: false,
    refuse: /\$__conditionalAll needs exactly two arguments/,
  },
  'a macro inside another one: longest name first, then the inner one': {
    sql: `SELECT count() FROM ${T} WHERE $__timeFilter(toStartOfDay($__toTime))`,
    plugin: `SELECT count() FROM ${T} WHERE toStartOfDay(toDateTime(1447328726)) >= toDateTime(1415792726) AND toStartOfDay(toDateTime(1447328726)) <= toDateTime(1447328726)`,
    runs: true,
  },
  'an unknown macro: left in the SQL': {
    sql: `SELECT count() FROM ${T} WHERE $__timeFilters(ts)`,
    plugin: `SELECT count() FROM ${T} WHERE $__timeFilters(ts)`,
    runs: false,
    refuse: /unknown macro \$__timeFilters/,
  },
  'an unclosed argument list: the SDK fails the query': {
    sql: `SELECT count() FROM ${T} WHERE $__timeFilter(ts`,
    plugin: undefined,
    runs: false,
    refuse: /missing close bracket/,
  },
};
