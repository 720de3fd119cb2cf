/**
 * The macro and variable expansion of dashboards/grafana-macros.ts against the outputs the
 * plugin documents and tests (grafana/clickhouse-datasource pkg/macros/macros_test.go), and
 * golden edge cases where plugin 4.11.2 behaves unexpectedly: each records the exact text
 * the plugin sends to ClickHouse (read off its Go and TypeScript code and the SDK's
 * sqlutil), and ClickHouse itself says whether that text runs. Where it runs, the expander
 * must produce the same text; where it cannot, the expander must refuse, naming the macro.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  durationMs,
  expandMacros,
  intervalText,
  interpolateVariables,
  panelIntervalMs,
  referencedVariables,
  renderQuery,
  type VariableValues,
} from '../dashboards/grafana-macros.js';
import { testClickHouse } from './helpers.js';

const time = { from: new Date(1_415_792_726_371), to: new Date(1_447_328_726_371), intervalMs: 20_000 };

describe('plugin macros', () => {
  it.each([
    ['$__timeFilter(ts)', 'ts >= toDateTime(1415792726) AND ts <= toDateTime(1447328726)'],
    [
      '$__timeFilter_ms(ts)',
      'ts >= fromUnixTimestamp64Milli(1415792726371) AND ts <= fromUnixTimestamp64Milli(1447328726371)',
    ],
    ['$__dateFilter(day)', "day >= toDate('2014-11-12') AND day <= toDate('2015-11-12')"],
    [
      '$__dt(d, t)',
      "(d >= toDate('2014-11-12') AND d <= toDate('2015-11-12')) AND (t >= toDateTime(1415792726) AND t <= toDateTime(1447328726))",
    ],
    ['$__fromTime', 'toDateTime(1415792726)'],
    ['$__toTime()', 'toDateTime(1447328726)'],
    ['$__fromTime_ms', 'fromUnixTimestamp64Milli(1415792726371)'],
    ['$__timeInterval(received_at)', 'toStartOfInterval(toDateTime(received_at), INTERVAL 20 second)'],
    ['$__timeInterval_ms(ts)', 'toStartOfInterval(toDateTime64(ts, 3), INTERVAL 20000 millisecond)'],
    ['$__interval_s', '20'],
    ['ts >= $__fromTime - INTERVAL 1 DAY', 'ts >= toDateTime(1415792726) - INTERVAL 1 DAY'],
    [
      "$__timeFilter( toDateTime(x, 'UTC') )",
      "toDateTime(x, 'UTC') >= toDateTime(1415792726) AND toDateTime(x, 'UTC') <= toDateTime(1447328726)",
    ],
  ])('%s', (sql, expected) => {
    expect(expandMacros(sql, time)).toBe(expected);
  });

  it('$__interval_s is at least 1 and truncated', () => {
    expect(expandMacros('$__interval_s', { ...time, intervalMs: 200 })).toBe('1');
    expect(expandMacros('$__interval_s', { ...time, intervalMs: 1_900 })).toBe('1');
  });

  it('refuses unknown macros and wrong argument counts', () => {
    expect(() => expandMacros('$__timeFilterr(ts)', time)).toThrow(/unknown macro/);
    expect(() => expandMacros('$__timeFilter', time)).toThrow(/expects 1 argument/);
    expect(() => expandMacros('$__timeFilter(a, b)', time)).toThrow(/expects 1 argument/);
  });
});

// A one-row table for the golden queries to run against.
const T = "(SELECT toDateTime('2015-01-01 00:00:00', 'UTC') AS ts, 'a' AS site_id) AS t";

interface Golden {
  sql: string;
  values?: VariableValues;
  /** What plugin 4.11.2 sends to ClickHouse; undefined where the plugin fails the query itself. */
  plugin: string | undefined;
  /** Whether ClickHouse runs the plugin's text. */
  runs: boolean;
  /** For the cases the expander refuses: the error it must give (naming the macro). */
  refuse?: RegExp;
}

const GOLDENS: Record<string, Golden> = {
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

describe('golden edge cases: the expander agrees with the plugin or refuses', () => {
  it.each(Object.entries(GOLDENS))('%s', (_name, g) => {
    const render = () => renderQuery(g.sql, g.values ?? {}, time);
    if (g.refuse) expect(render).toThrow(g.refuse);
    else expect(render()).toBe(g.plugin);
    // refusing is only allowed where the plugin's own SQL cannot run
    if (g.refuse) expect(g.runs).toBe(false);
  });

  const clickhouse = testClickHouse();
  afterAll(() => clickhouse.close());
  it.each(Object.entries(GOLDENS).filter(([, g]) => g.plugin !== undefined))(
    'ClickHouse on the plugin text of: %s',
    async (_name, g) => {
      const ran = await clickhouse
        .query({ query: g.plugin!, format: 'JSONEachRow' })
        .then((r) => r.json())
        .then(
          () => true,
          () => false,
        );
      expect(ran).toBe(g.runs);
    },
  );

  it("$__interval text is Grafana's secondsToHms", () => {
    expect([20_000, 600_000, 3_600_000, 86_400_000, 500, 0.2].map(intervalText)).toEqual([
      '20s',
      '10m',
      '1h',
      '1d',
      '500ms',
      'less than a millisecond',
    ]);
  });
});

describe('template variables', () => {
  it('formats as the plugin does: raw single value, quoted list; explicit formats win', () => {
    expect(interpolateVariables("site_id = '${site}'", { site: 'shop' })).toBe("site_id = 'shop'");
    expect(interpolateVariables('site_id IN ($site)', { site: ['a', 'b'] })).toBe("site_id IN ('a','b')");
    expect(interpolateVariables('site_id = ${site:singlequote}', { site: "o'brien" })).toBe("site_id = 'o\\'brien'");
    expect(interpolateVariables('site_id = ${site:sqlstring}', { site: "o'brien" })).toBe("site_id = 'o''brien'");
    expect(interpolateVariables('[[site]]', { site: 'shop' })).toBe('shop');
  });

  it('leaves built-ins and macros for the backend', () => {
    expect(interpolateVariables('$__timeFilter(ts) AND $__interval_s', { site: 'x' })).toBe(
      '$__timeFilter(ts) AND $__interval_s',
    );
    expect(referencedVariables('${site:singlequote} $__timeFilter(ts) [[page]] $funnel')).toEqual([
      'site',
      'page',
      'funnel',
    ]);
  });

  it('renders variables first, then macros', () => {
    expect(renderQuery('WHERE site_id = ${site:singlequote} AND $__timeFilter(hour)', { site: 's' }, time)).toBe(
      "WHERE site_id = 's' AND hour >= toDateTime(1415792726) AND hour <= toDateTime(1447328726)",
    );
  });
});

describe('panel interval', () => {
  it('rounds range / 1000 points like Grafana and respects the min interval', () => {
    const to = new Date('2024-05-12T00:00:00Z');
    expect(panelIntervalMs(new Date(to.getTime() - 6 * 3_600_000), to)).toBe(20_000);
    expect(panelIntervalMs(new Date(to.getTime() - 6 * 3_600_000), to, '1m')).toBe(60_000);
    expect(panelIntervalMs(new Date(to.getTime() - 7 * 86_400_000), to)).toBe(600_000);
    expect(durationMs('15m')).toBe(900_000);
  });
});
