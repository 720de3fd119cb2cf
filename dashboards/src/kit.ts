/**
 * A small typed kit that turns panel specs (title, SQL, kind) into Grafana dashboard JSON
 * for the provisioned datasources. The JSON in dashboards/json/ is generated from these
 * specs by `npx tsx dashboards/generate.ts`; test/dashboards.test.ts checks that both agree.
 *
 * Query shape (grafana-clickhouse-datasource v4, raw SQL editor): `editorType: 'sql'`,
 * `rawSql`, and `format` 0 (time series: a `time` column, numbers, optional string columns
 * that become series labels) or 1 (table).
 */

/** uids of the datasources dashboards/provisioning/datasources/datasources.yaml provisions. */
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
  overrides?: Array<{ field: string; unit?: string; rightAxis?: boolean }>;
  /** Table cells coloured by value from red (min) to green (max): a heat table such as a cohort grid. */
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

function options(kind: PanelKind): Record<string, unknown> {
  switch (kind) {
    case 'stat':
      return {
        reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
        colorMode: 'value',
        graphMode: 'none',
        textMode: 'auto',
      };
    case 'timeseries':
      return {
        legend: { displayMode: 'list', placement: 'bottom', showLegend: true },
        tooltip: { mode: 'multi', sort: 'none' },
      };
    case 'barchart':
      return {
        orientation: 'auto',
        showValue: 'auto',
        groupWidth: 0.7,
        barWidth: 0.97,
        legend: { displayMode: 'list', placement: 'bottom', showLegend: true },
      };
    case 'piechart':
      return {
        pieType: 'donut',
        reduceOptions: { calcs: ['lastNotNull'], fields: '', values: true },
        legend: { displayMode: 'table', placement: 'right', values: ['value', 'percent'], showLegend: true },
      };
    case 'xychart':
      // Heatmap grid: one point per cell, x/y the cell's edge, size and colour by clicks.
      return {
        mapping: 'auto',
        series: [{ x: 'grid_x', y: 'grid_y', size: { field: 'clicks', min: 4, max: 30 }, color: { field: 'clicks' } }],
        legend: { showLegend: false, displayMode: 'list', placement: 'bottom' },
      };
    case 'table':
      return { showHeader: true, cellHeight: 'sm' };
  }
}

function target(panel: PanelSpec): Array<Record<string, unknown>> {
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

function panelJson(
  panel: PanelSpec,
  id: number,
  gridPos: { x: number; y: number; w: number; h: number },
): Record<string, unknown> {
  return {
    id,
    type: panel.kind,
    title: panel.title,
    description: panel.description,
    gridPos,
    datasource: isSql(panel) ? CLICKHOUSE : PROMETHEUS,
    ...(panel.timeFrom ? { timeFrom: panel.timeFrom } : {}),
    ...(panel.interval ? { interval: panel.interval } : {}),
    fieldConfig: {
      defaults: {
        ...(panel.unit ? { unit: panel.unit } : {}),
        ...(panel.heat
          ? {
              min: panel.heat.min,
              max: panel.heat.max,
              color: { mode: 'continuous-RdYlGr' },
              custom: { cellOptions: { type: 'color-background', mode: 'gradient' } },
            }
          : {}),
      },
      overrides: (panel.overrides ?? []).map((o) => ({
        matcher: { id: 'byName', options: o.field },
        properties: [
          ...(o.unit ? [{ id: 'unit', value: o.unit }] : []),
          ...(o.rightAxis ? [{ id: 'custom.axisPlacement', value: 'right' }] : []),
        ],
      })),
    },
    options: options(panel.kind),
    targets: target(panel),
  };
}

function variableJson(v: VariableSpec): Record<string, unknown> {
  return {
    name: v.name,
    label: v.label,
    type: 'query',
    datasource: CLICKHOUSE,
    query: { refId: 'var', editorType: 'sql', queryType: 'table', format: FORMAT_TABLE, rawSql: v.sql.trim() },
    definition: v.sql.trim(),
    refresh: 2, // on time range change
    includeAll: false,
    multi: false,
    sort: 0,
    current: {},
    options: [],
  };
}

/** The dashboard JSON Grafana loads from the provisioned folder. */
export function dashboardJson(spec: DashboardSpec): Record<string, unknown> {
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
    schemaVersion: 39,
    time: { from: spec.from, to: 'now' },
    templating: { list: spec.variables.map(variableJson) },
    panels: spec.panels.map((p, i) => panelJson(p, i + 1, positions[i]!)),
  };
}

/** The site picker every dashboard has: sites with traffic in the selected range. */
export const SITE_VARIABLE: VariableSpec = {
  name: 'site',
  label: 'Site',
  sql: 'SELECT DISTINCT site_id FROM clickstream.mart_traffic_hourly WHERE $__timeFilter(hour) ORDER BY site_id',
};
