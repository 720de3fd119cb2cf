/**
 * A small typed kit that turns panel specs (title, SQL, kind) into Grafana dashboard JSON
 * for the provisioned datasources, typed with Grafana's own schema of the pinned release
 * (grafana-schema.ts, panel-options.ts). The JSON in dashboards/json/ is generated from these
 * specs by `npx tsx dashboards/generate.ts`; test/dashboards.test.ts checks that both agree
 * and dashboards/schema.test.ts validates it against that schema.
 *
 * Query shape (grafana-clickhouse-datasource v4, raw SQL editor): `editorType: 'sql'`,
 * `rawSql`, and `format` 0 (time series: a `time` column, numbers, optional string columns
 * that become series labels) or 1 (table).
 */

import {
  DASHBOARD_SCHEMA_VERSION,
  type Dashboard,
  type FieldConfigSource,
  GRAFANA_VERSION,
  type Panel,
  type VariableModel,
} from './grafana-schema.js';
import {
  barChartCustom,
  barChartOptions,
  pieChartCustom,
  pieChartOptions,
  statOptions,
  tableCustom,
  tableOptions,
  timeSeriesCustom,
  timeSeriesOptions,
  xyChartCustom,
  xyChartOptions,
} from './panel-options.js';

/** uids of the datasources the provisioning (dashboards/provisioning.ts) writes. */
export const CLICKHOUSE = { type: 'grafana-clickhouse-datasource', uid: 'clickstream-clickhouse' } as const;
export const PROMETHEUS = { type: 'prometheus', uid: 'clickstream-prometheus' } as const;

export type PanelKind = 'timeseries' | 'stat' | 'table' | 'barchart' | 'piechart' | 'xychart';

interface PanelBase {
  title: string;
  description: string;
  kind: PanelKind;
  /** Width in grid units (24 = full row); height 8 unless set. */
  w: number;
  h?: number;
  unit?: string;
  /** Panel-relative time, e.g. '15m' for the live panels ("last 15 minutes"). */
  timeFrom?: string;
  /** Smallest $__interval, e.g. '1m'. */
  interval?: string;
  overrides?: Array<{ field: string; unit?: string; rightAxis?: boolean; axisLabel?: string }>;
  /** xychart only: the fields of x, y, and the value that sizes and colours each point. */
  xy?: { x: string; y: string; value: string };
  /** table only: cells coloured by value from red (min) to green (max), e.g. a cohort grid. */
  heat?: { min: number; max: number };
}

export interface SqlPanel extends PanelBase {
  sql: string;
}

export interface PromPanel extends PanelBase {
  prom: Array<{ expr: string; legend: string }>;
}

export type PanelSpec = SqlPanel | PromPanel;

export interface VariableSpec {
  name: string;
  label: string;
  /** A ClickHouse query whose first column gives the options (refreshed on time change). */
  sql: string;
}

export interface DashboardSpec {
  uid: string;
  title: string;
  description: string;
  /** Default range, e.g. 'now-7d'. */
  from: string;
  variables: VariableSpec[];
  panels: PanelSpec[];
}

const FORMAT_TIME_SERIES = 0;
const FORMAT_TABLE = 1;

function isSql(panel: PanelSpec): panel is SqlPanel {
  return 'sql' in panel;
}

type Override = FieldConfigSource['overrides'][number];

/** Options, custom field config and extra overrides in the pinned schema for the panel's type. */
function typeConfig(panel: PanelSpec): { options: object; custom?: object; overrides?: Override[] } {
  switch (panel.kind) {
    case 'stat':
      return { options: statOptions };
    case 'timeseries':
      return { options: timeSeriesOptions, custom: timeSeriesCustom };
    case 'barchart':
      return { options: barChartOptions, custom: barChartCustom };
    case 'piechart':
      return { options: pieChartOptions, custom: pieChartCustom };
    case 'table':
      return {
        options: tableOptions,
        custom: panel.heat
          ? { ...tableCustom, cellOptions: { type: 'color-background', mode: 'gradient' } }
          : tableCustom,
      };
    case 'xychart': {
      if (!panel.xy) throw new Error(`${panel.title}: an xychart panel needs xy (its x, y and value fields)`);
      // point size and colour scale belong to the field that drives them
      const value: Override = {
        matcher: { id: 'byName', options: panel.xy.value },
        properties: [
          { id: 'custom.pointSize.min', value: 4 },
          { id: 'custom.pointSize.max', value: 30 },
          { id: 'color', value: { mode: 'continuous-YlRd' } },
        ],
      };
      return { options: xyChartOptions(panel.xy), custom: xyChartCustom, overrides: [value] };
    }
  }
}

function targets(panel: PanelSpec): Array<Record<string, unknown>> {
  if (isSql(panel)) {
    const timeSeries = panel.kind === 'timeseries';
    return [
      {
        refId: 'A',
        datasource: CLICKHOUSE,
        editorType: 'sql',
        queryType: timeSeries ? 'timeseries' : 'table',
        format: timeSeries ? FORMAT_TIME_SERIES : FORMAT_TABLE,
        rawSql: panel.sql.trim(),
      },
    ];
  }
  return panel.prom.map((q, i) => ({
    refId: String.fromCharCode(65 + i),
    datasource: PROMETHEUS,
    expr: q.expr,
    legendFormat: q.legend,
    range: true,
  }));
}

/** Packs panels left to right into rows of 24 grid units. */
function layout(panels: PanelSpec[]): Array<{ x: number; y: number; w: number; h: number }> {
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  return panels.map((p) => {
    const h = p.h ?? 8;
    if (x + p.w > 24) {
      x = 0;
      y += rowHeight;
      rowHeight = 0;
    }
    const pos = { x, y, w: p.w, h };
    x += p.w;
    rowHeight = Math.max(rowHeight, h);
    return pos;
  });
}

function panelJson(panel: PanelSpec, id: number, gridPos: { x: number; y: number; w: number; h: number }): Panel {
  const config = typeConfig(panel);
  const overrides: Override[] = (panel.overrides ?? []).map((o) => ({
    matcher: { id: 'byName', options: o.field },
    properties: [
      ...(o.unit ? [{ id: 'unit', value: o.unit }] : []),
      ...(o.rightAxis ? [{ id: 'custom.axisPlacement', value: 'right' }] : []),
      ...(o.axisLabel ? [{ id: 'custom.axisLabel', value: o.axisLabel }] : []),
    ],
  }));
  return {
    id,
    type: panel.kind,
    // Grafana runs a panel's option migrations when pluginVersion is older or missing.
    pluginVersion: GRAFANA_VERSION,
    title: panel.title,
    description: panel.description,
    gridPos,
    datasource: isSql(panel) ? CLICKHOUSE : PROMETHEUS,
    ...(panel.timeFrom ? { timeFrom: panel.timeFrom } : {}),
    ...(panel.interval ? { interval: panel.interval } : {}),
    fieldConfig: {
      defaults: {
        ...(panel.unit ? { unit: panel.unit } : {}),
        ...(panel.heat ? { min: panel.heat.min, max: panel.heat.max, color: { mode: 'continuous-RdYlGr' } } : {}),
        ...(config.custom ? { custom: { ...config.custom } } : {}),
      },
      overrides: [...overrides, ...(config.overrides ?? [])],
    },
    options: { ...config.options },
    targets: targets(panel),
  };
}

function variableJson(v: VariableSpec): VariableModel {
  return {
    name: v.name,
    label: v.label,
    type: 'query',
    datasource: CLICKHOUSE,
    query: { refId: 'var', editorType: 'sql', queryType: 'table', format: FORMAT_TABLE, rawSql: v.sql.trim() },
    refresh: 2, // on time range change
    includeAll: false,
    multi: false,
    sort: 0,
  };
}

/** The dashboard JSON Grafana loads from the provisioned folder. */
export function dashboardJson(spec: DashboardSpec): Dashboard {
  const positions = layout(spec.panels);
  return {
    uid: spec.uid,
    title: spec.title,
    description: spec.description,
    tags: ['clickstream'],
    timezone: 'utc',
    editable: true,
    graphTooltip: 1,
    refresh: '1m',
    schemaVersion: DASHBOARD_SCHEMA_VERSION,
    time: { from: spec.from, to: 'now' },
    templating: { list: spec.variables.map(variableJson) },
    panels: spec.panels.map((p, i) => panelJson(p, i + 1, positions[i]!)),
  };
}

/**
 * The site picker every dashboard has: sites with traffic in the selected range. It reads
 * the raw events as well as the hourly mart, so it lists a site as soon as its first event
 * is loaded (before any mart build) and still lists it for days whose raw events have
 * expired (EVENTS_RETENTION_DAYS).
 */
export const SITE_VARIABLE: VariableSpec = {
  name: 'site',
  label: 'Site',
  sql: `SELECT site_id FROM (
  SELECT DISTINCT site_id FROM clickstream.events WHERE $__timeFilter(ts)
  UNION DISTINCT
  SELECT DISTINCT site_id FROM clickstream.mart_traffic_hourly WHERE $__timeFilter(hour)
) ORDER BY site_id`,
};
