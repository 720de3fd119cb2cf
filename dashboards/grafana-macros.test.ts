/**
 * The macro and variable expansion of dashboards/grafana-macros.ts against the outputs the
 * plugin documents and tests (grafana/clickhouse-datasource pkg/macros/macros_test.go), and
 * golden edge cases where plugin 4.11.2 behaves unexpectedly (test/support/macro-goldens.ts;
 * test/dashboards-macros.test.ts asks ClickHouse whether each plugin text runs). Where it
 * runs, the expander must produce the same text; where it cannot, the expander must refuse,
 * naming the macro.
 */
import { describe, expect, it } from 'vitest';
import {
  durationMs,
  expandMacros,
  intervalText,
  interpolateVariables,
  panelIntervalMs,
  referencedVariables,
  renderQuery,
} from './grafana-macros.js';
import { GOLDENS } from '../test/support/macro-goldens.js';

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

describe('golden edge cases: the expander agrees with the plugin or refuses', () => {
  it.each(Object.entries(GOLDENS))('%s', (_name, g) => {
    const render = () => renderQuery(g.sql, g.values ?? {}, time);
    if (g.refuse) expect(render).toThrow(g.refuse);
    else expect(render()).toBe(g.plugin);
    // refusing is only allowed where the plugin's own SQL cannot run
    if (g.refuse) expect(g.runs).toBe(false);
  });

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
