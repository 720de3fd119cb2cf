/**
 * Options and custom field config of each panel type, written in the current schema of
 * the pinned Grafana (types from grafana-schema.ts, so a key from an old format does not
 * compile). Values are what Grafana 12.2 itself saves for a new panel, except where a
 * comment says why this project differs.
 */
import type {
  BarChartFieldConfig,
  BarChartOptions,
  PieChartFieldConfig,
  PieChartOptions,
  StatOptions,
  TableFieldConfig,
  TableOptions,
  TextOptions,
  TimeSeriesFieldConfig,
  TimeSeriesOptions,
  XYChartFieldConfig,
  XYChartOptions,
} from './grafana-schema.js';

const legendBottom = { displayMode: 'list', placement: 'bottom', showLegend: true, calcs: [] } as const;
const tooltip = { mode: 'multi', sort: 'none' } as const;

export const statOptions: StatOptions = {
  reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
  orientation: 'auto',
  colorMode: 'value',
  graphMode: 'none',
  justifyMode: 'auto',
  textMode: 'auto',
  wideLayout: true,
  showPercentChange: false,
  percentChangeColorMode: 'standard',
};

export const timeSeriesOptions: TimeSeriesOptions = { legend: { ...legendBottom, calcs: [] }, tooltip };
export const timeSeriesCustom: TimeSeriesFieldConfig = {};

export const barChartOptions: BarChartOptions = {
  orientation: 'auto',
  showValue: 'auto',
  stacking: 'none',
  groupWidth: 0.7,
  barWidth: 0.97,
  fullHighlight: false,
  xTickLabelRotation: 0,
  xTickLabelMaxLength: 0,
  legend: { ...legendBottom, calcs: [] },
  tooltip,
};
export const barChartCustom: BarChartFieldConfig = {};

export const pieChartOptions: PieChartOptions = {
  pieType: 'donut',
  reduceOptions: { calcs: ['lastNotNull'], fields: '', values: true },
  orientation: 'auto',
  displayLabels: [],
  sort: 'desc',
  legend: { displayMode: 'table', placement: 'right', values: ['value', 'percent'], showLegend: true, calcs: [] },
  tooltip: { mode: 'single', sort: 'none' },
};
export const pieChartCustom: PieChartFieldConfig = {};

export const tableOptions: TableOptions = { showHeader: true, cellHeight: 'sm', frameIndex: 0 };
export const tableCustom: TableFieldConfig = { align: 'auto', cellOptions: { type: 'auto' }, inspect: false };

/** A Markdown note, e.g. where a panel's data source is not configured. */
export function textOptions(markdown: string): TextOptions {
  return { mode: 'markdown', content: markdown };
}

/**
 * A scatter of grid cells: x/y from two fields, point size and colour both from a third
 * (in the current XY chart schema: explicit `manual` mapping and field matchers; the old
 * `series[].x: 'name'` / `pointSize.field` form is what Grafana migrates away, dropping the
 * size and colour fields).
 */
export function xyChartOptions(fields: { x: string; y: string; value: string }): XYChartOptions {
  const byName = (name: string) => ({ matcher: { id: 'byName', options: name } });
  return {
    mapping: 'manual',
    series: [
      {
        frame: { matcher: { id: 'byIndex', options: 0 } },
        x: byName(fields.x),
        y: byName(fields.y),
        size: byName(fields.value),
        color: byName(fields.value),
      },
    ],
    legend: { showLegend: false, displayMode: 'list', placement: 'bottom', calcs: [] },
    tooltip: { mode: 'single', sort: 'none' },
  };
}
/** Square points that grow from 4 to 30 px with the value field (set on that field). */
export const xyChartCustom: XYChartFieldConfig = { show: 'points', pointShape: 'square', pointSize: { fixed: 8 } };
