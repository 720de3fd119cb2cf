/**
 * Grafana's own schema types for the dashboard JSON this project writes, from the
 * `@grafana/schema` release of the pinned Grafana (docker-compose.yml's grafana image).
 *
 * Why these and not `@grafana/grafana-foundation-sdk`'s builders: the SDK is published per
 * Grafana release (10.1, 10.2, 10.4, 11.6) plus unversioned 0.0.x builds that name no
 * Grafana release; none is for 12.2. `@grafana/schema` 12.2.0 is generated from Grafana
 * 12.2's own panel schemas. The kit types its output with them (compile time) and
 * test/dashboards-schema.test.ts validates the written JSON against JSON Schema derived from
 * these same types (run time), so an option in an old format or a misspelt key fails CI.
 *
 * Only types are imported: @grafana/schema is a development dependency.
 */
import type {
  Options as BarChartOptionsType,
  FieldConfig as BarChartFieldConfigType,
} from '@grafana/schema/dist/types/raw/composable/barchart/panelcfg/x/BarChartPanelCfg_types.gen.js';
import type {
  Options as PieChartOptionsType,
  FieldConfig as PieChartFieldConfigType,
} from '@grafana/schema/dist/types/raw/composable/piechart/panelcfg/x/PieChartPanelCfg_types.gen.js';
import type { Options as StatOptionsType } from '@grafana/schema/dist/types/raw/composable/stat/panelcfg/x/StatPanelCfg_types.gen.js';
import type {
  Options as TableOptionsType,
  FieldConfig as TableFieldConfigType,
} from '@grafana/schema/dist/types/raw/composable/table/panelcfg/x/TablePanelCfg_types.gen.js';
import type { Options as TextOptionsType } from '@grafana/schema/dist/types/raw/composable/text/panelcfg/x/TextPanelCfg_types.gen.js';
import type {
  Options as TimeSeriesOptionsType,
  FieldConfig as TimeSeriesFieldConfigType,
} from '@grafana/schema/dist/types/raw/composable/timeseries/panelcfg/x/TimeSeriesPanelCfg_types.gen.js';
import type {
  Options as XYChartOptionsType,
  FieldConfig as XYChartFieldConfigType,
} from '@grafana/schema/dist/types/raw/composable/xychart/panelcfg/x/XYChartPanelCfg_types.gen.js';
import type {
  Dashboard as DashboardType,
  FieldConfigSource as FieldConfigSourceType,
  Panel as PanelType,
  VariableModel as VariableModelType,
} from '@grafana/schema/dist/types/raw/dashboard/x/dashboard_types.gen.js';

/** The Grafana release the dashboards are written for: every panel's `pluginVersion`. */
export const GRAFANA_VERSION = '12.2.0';
/** That release's dashboard schema version (@grafana/schema 12.2.0's default). */
export const DASHBOARD_SCHEMA_VERSION = 42;

/**
 * A schema type as JSON: Grafana's enums become the strings (or numbers) they stand for,
 * so option objects are written as plain literals without importing the enums at run time.
 * Keys stay exactly the schema's, so an unknown key is still a compile error.
 */
export type SchemaJson<T> = T extends string
  ? `${T}`
  : T extends number | boolean | null | undefined
    ? T
    : T extends ReadonlyArray<infer U>
      ? Array<SchemaJson<U>>
      : T extends object
        ? { [K in keyof T]: SchemaJson<T[K]> }
        : T;

/** Grafana's types as published, the source of the JSON Schema the schema test checks against. */
export type GrafanaDashboard = DashboardType;
export type GrafanaPanel = PanelType;
export type GrafanaVariableModel = VariableModelType;
export type GrafanaFieldConfigSource = FieldConfigSourceType;
export type GrafanaStatOptions = StatOptionsType;
export type GrafanaTimeSeriesOptions = TimeSeriesOptionsType;
export type GrafanaTimeSeriesFieldConfig = TimeSeriesFieldConfigType;
export type GrafanaTableOptions = TableOptionsType;
export type GrafanaTableFieldConfig = TableFieldConfigType;
export type GrafanaBarChartOptions = BarChartOptionsType;
export type GrafanaBarChartFieldConfig = BarChartFieldConfigType;
export type GrafanaPieChartOptions = PieChartOptionsType;
export type GrafanaPieChartFieldConfig = PieChartFieldConfigType;
export type GrafanaXYChartOptions = XYChartOptionsType;
export type GrafanaXYChartFieldConfig = XYChartFieldConfigType;
export type GrafanaTextOptions = TextOptionsType;

/** The same types in their JSON form, for writing literals. */
export type Dashboard = SchemaJson<DashboardType>;
export type Panel = SchemaJson<PanelType>;
export type VariableModel = SchemaJson<VariableModelType>;
export type FieldConfigSource = SchemaJson<FieldConfigSourceType>;
export type StatOptions = SchemaJson<StatOptionsType>;
export type TimeSeriesOptions = SchemaJson<TimeSeriesOptionsType>;
export type TimeSeriesFieldConfig = SchemaJson<TimeSeriesFieldConfigType>;
export type TableOptions = SchemaJson<TableOptionsType>;
export type TableFieldConfig = SchemaJson<TableFieldConfigType>;
export type BarChartOptions = SchemaJson<BarChartOptionsType>;
export type BarChartFieldConfig = SchemaJson<BarChartFieldConfigType>;
export type PieChartOptions = SchemaJson<PieChartOptionsType>;
export type PieChartFieldConfig = SchemaJson<PieChartFieldConfigType>;
export type XYChartOptions = SchemaJson<XYChartOptionsType>;
export type XYChartFieldConfig = SchemaJson<XYChartFieldConfigType>;
export type TextOptions = SchemaJson<TextOptionsType>;

/**
 * For each panel type the kit writes, the names of the types above that its `options`
 * and `fieldConfig.defaults.custom` must satisfy (the schema test derives JSON Schema
 * from the `Grafana*` types of these names).
 */
export const PANEL_SCHEMAS = {
  stat: { options: 'GrafanaStatOptions', custom: undefined },
  timeseries: { options: 'GrafanaTimeSeriesOptions', custom: 'GrafanaTimeSeriesFieldConfig' },
  table: { options: 'GrafanaTableOptions', custom: 'GrafanaTableFieldConfig' },
  barchart: { options: 'GrafanaBarChartOptions', custom: 'GrafanaBarChartFieldConfig' },
  piechart: { options: 'GrafanaPieChartOptions', custom: 'GrafanaPieChartFieldConfig' },
  xychart: { options: 'GrafanaXYChartOptions', custom: 'GrafanaXYChartFieldConfig' },
  text: { options: 'GrafanaTextOptions', custom: undefined },
} as const;
