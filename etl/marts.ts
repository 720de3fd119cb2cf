/**
 * The marts: for each, its table, its staging twin, how far back a build reads, and the
 * INSERT statements that fill the staging partition of one day. The SQL lives in
 * etl/sql/<mart>.sql; table names here are constants, never user input.
 */
import type { BuildOptions } from './build-options.js';
import { type Day, windowParams } from './day-window.js';
import { funnelStatement } from './funnels.js';
import { martSql } from './sql-template.js';

export const MART_NAMES = [
  'traffic_hourly',
  'sessions',
  'ctr_daily',
  'pages_daily',
  'sources_daily',
  'devices_daily',
  'attribution_daily',
  'funnel_daily',
  'heatmap_daily',
] as const;

/** A mart's short name; its table is `mart_<name>`. */
export type MartName = (typeof MART_NAMES)[number];

/** One statement of a build: SQL with `{name:Type}` placeholders and their values. */
export interface Statement {
  query: string;
  params: Record<string, unknown>;
}

export interface Mart {
  name: MartName;
  table: string;
  staging: string;
  /** Days read before the built day (what a rebuild after an erasure must cover). */
  daysBefore(options: BuildOptions): number;
  /** The INSERTs that fill the staging table's partition of `day`. */
  statements(day: Day, options: BuildOptions): Statement[];
}

/** Checks a name given on the command line or in a job payload. */
export function isMartName(name: string): name is MartName {
  return (MART_NAMES as readonly string[]).includes(name);
}

/** The params every mart SQL file may use. */
function commonParams(day: Day, options: BuildOptions, daysBefore: number): Record<string, unknown> {
  return {
    ...windowParams(day, daysBefore),
    gap_ms: options.sessionGapMinutes * 60_000,
    conversion_types: [...options.conversionTypes],
    lookback_ms: options.attributionWindowDays * 86_400_000,
    bucket: options.heatmapBucketPx,
  };
}

/** A mart built by its one SQL file, reading one day before the built day. */
function fileMart(name: MartName, daysBefore: (options: BuildOptions) => number = () => 1): Mart {
  return {
    name,
    table: `mart_${name}`,
    staging: `mart_${name}_staging`,
    daysBefore,
    statements: (day, options) => [{ query: martSql(name), params: commonParams(day, options, daysBefore(options)) }],
  };
}

const marts: Record<MartName, Mart> = {
  traffic_hourly: fileMart('traffic_hourly'),
  sessions: fileMart('sessions'),
  ctr_daily: fileMart('ctr_daily'),
  pages_daily: fileMart('pages_daily'),
  sources_daily: fileMart('sources_daily'),
  devices_daily: fileMart('devices_daily'),
  // clicks up to the lookback before the day's first conversion, plus a day for dedup
  attribution_daily: fileMart('attribution_daily', (o) => o.attributionWindowDays + 1),
  heatmap_daily: fileMart('heatmap_daily'),
  funnel_daily: {
    name: 'funnel_daily',
    table: 'mart_funnel_daily',
    staging: 'mart_funnel_daily_staging',
    daysBefore: () => 1,
    statements: (day, options) =>
      options.funnels.map((funnel) => {
        const { query, params } = funnelStatement(funnel);
        return { query, params: { ...commonParams(day, options, 1), ...params } };
      }),
  },
};

/** The definition of a mart. */
export function mart(name: MartName): Mart {
  return marts[name];
}
