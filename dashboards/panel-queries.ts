/**
 * The ClickHouse queries the provisioned dashboards make, as Grafana would send them: the
 * JSON files in dashboards/json/ read back, their variables resolved in order (each one's
 * query may use the ones before it), and every ClickHouse panel's SQL rendered for given
 * variable values and a time range (dashboards/grafana-macros.ts). Prometheus panels are
 * left out: they do not run on ClickHouse. Shared by test/dashboards.test.ts and the
 * query phase of `clickstream bench`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { JSON_DIR } from './generate.js';
import {
  durationMs,
  interpolateVariables,
  panelIntervalMs,
  renderQuery,
  type QueryTime,
  type VariableValues,
} from './grafana-macros.js';
import { CLICKHOUSE } from './src/kit.js';

export interface Target {
  datasource?: { uid?: string; type?: string };
  rawSql?: string;
  expr?: string;
  format?: number;
}
export interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { uid?: string };
  targets?: Target[];
  timeFrom?: string;
  interval?: string;
  gridPos: { x: number; w: number };
  options?: { series?: Array<{ x?: { matcher: { options: string } }; y?: { matcher: { options: string } } }> };
}
export interface Variable {
  name: string;
  datasource?: { uid?: string };
  query?: { rawSql?: string };
}
export interface Dashboard {
  uid: string;
  title: string;
  time: { from: string };
  templating: { list: Variable[] };
  panels: Panel[];
}

export interface TimeRange {
  from: Date;
  to: Date;
}

/** One ClickHouse query of one panel, ready to send. */
export interface PanelQuery {
  /** The dashboard uid without its `clickstream-` prefix, e.g. `overview`. */
  dashboard: string;
  /** The panel title with its variables replaced, as Grafana shows it. */
  panel: string;
  /** The panel type (timeseries, stat, table, ...). */
  type: string;
  sql: string;
}

/** The dashboard JSON files (dashboards/json/*.json), sorted by name. */
export function dashboardFiles(dir = JSON_DIR): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
}

/** Every dashboard as [file name, parsed JSON], sorted by file name. */
export function loadDashboards(dir = JSON_DIR): Array<readonly [string, Dashboard]> {
  return dashboardFiles(dir).map(
    (f) => [f, JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as Dashboard] as const,
  );
}

/** The panels whose queries run on ClickHouse. */
export function clickHousePanels(dashboard: Dashboard): Panel[] {
  return dashboard.panels.filter((p) => p.datasource?.uid === CLICKHOUSE.uid);
}

/** A variable's query for a range, using the values of the variables before it. */
export function renderVariableQuery(variable: Variable, values: VariableValues, range: TimeRange): string {
  const sql = variable.query?.rawSql;
  if (!sql) throw new Error(`variable ${variable.name} has no rawSql query`);
  return renderQuery(sql, values, { ...range, intervalMs: panelIntervalMs(range.from, range.to) });
}

/**
 * Resolves a dashboard's variables in order: runs each one's query (`options` returns the
 * first column of its rows) and keeps what `choose` picks from that option list.
 */
export async function resolveVariables(
  dashboard: Dashboard,
  range: TimeRange,
  options: (sql: string) => Promise<string[]>,
  choose: (name: string, options: string[]) => string,
): Promise<Record<string, string>> {
  const values: Record<string, string> = {};
  for (const v of dashboard.templating.list) {
    values[v.name] = choose(v.name, await options(renderVariableQuery(v, values, range)));
  }
  return values;
}

/**
 * Grafana's time for a panel: the dashboard range, or, for a panel with a relative time
 * (`timeFrom`, e.g. 15m), the last `timeFrom` before `now`; $__interval from either.
 */
export function panelTime(panel: Panel, range: TimeRange, now = new Date()): QueryTime {
  const to = panel.timeFrom ? now : range.to;
  const from = panel.timeFrom ? new Date(to.getTime() - durationMs(panel.timeFrom)) : range.from;
  return { from, to, intervalMs: panelIntervalMs(from, to, panel.interval) };
}

/** A ClickHouse panel's queries (one per target), rendered; "now" is when it is called. */
export function renderPanel(
  dashboard: Dashboard,
  panel: Panel,
  values: VariableValues,
  range: TimeRange,
): PanelQuery[] {
  const time = panelTime(panel, range);
  const name = dashboard.uid.replace(/^clickstream-/, '');
  const title = interpolateVariables(panel.title, values);
  const targets = panel.targets ?? [];
  return targets.map((target, i) => {
    if (!target.rawSql) throw new Error(`${name} / ${panel.title}: target ${i} has no rawSql`);
    return {
      dashboard: name,
      panel: targets.length > 1 ? `${title} (#${i + 1})` : title,
      type: panel.type,
      sql: renderQuery(target.rawSql, values, time),
    };
  });
}

/** Every ClickHouse panel query of a dashboard for the given variable values and range. */
export function panelQueries(dashboard: Dashboard, values: VariableValues, range: TimeRange): PanelQuery[] {
  return clickHousePanels(dashboard).flatMap((panel) => renderPanel(dashboard, panel, values, range));
}
