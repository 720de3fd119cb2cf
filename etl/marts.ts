/**
 * The marts: for each, its table, its staging twin, the unit one build covers (etl/build-
 * unit.ts), how far back a build reads, and the INSERT statements that fill the staging
 * partition of one unit. The SQL lives in etl/sql/<mart>.sql; table names here are
 * constants, never user input.
 */
import type { BuildOptions } from './build-options.js';
import type { BuildUnit, UnitWindow } from './build-unit.js';
import { clickHouseTime } from '../lib/time.js';
import { funnelStatement } from './funnels.js';
import { type SiteZones, zoneSql } from './site-zones.js';
import { martSql, renderSql } from './sql-template.js';

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
  'retention_weekly',
  'events_daily',
] as const;

/** A mart's short name; what users query is `mart_<name>`. */
export type MartName = (typeof MART_NAMES)[number];

/** One statement of a build: SQL with `{name:Type}` placeholders and their values. */
export interface Statement {
  query: string;
  params: Record<string, unknown>;
}

/** Everything a mart's statements depend on for one build. */
export interface BuildContext {
  window: UnitWindow;
  options: BuildOptions;
  zones: SiteZones;
  /**
   * Marts with a speed layer count events with ts before this only (and record it as
   * built_until); later events are the speed layer's until the next build.
   */
  cutoff: Date;
}

export interface Mart {
  name: MartName;
  /** The table the build swaps partitions into. */
  table: string;
  staging: string;
  unit: BuildUnit;
  /** Whether a speed layer (migrations/0014) covers what this build leaves after its cutoff. */
  speedLayer: boolean;
  /** Days read before the unit (Infinity: all raw events kept). */
  daysBefore(options: BuildOptions): number;
  /** The INSERTs that fill the staging table's partition of the unit. */
  statements(context: BuildContext): Statement[];
}

/** Checks a name given on the command line or in a job payload. */
export function isMartName(name: string): name is MartName {
  return (MART_NAMES as readonly string[]).includes(name);
}

/** The params and dynamic SQL every mart file may use. */
function render(sql: string, { window, options, zones, cutoff }: BuildContext): Statement {
  const zone = zoneSql(zones);
  const params = {
    day: window.day,
    from: clickHouseTime(window.from),
    to: clickHouseTime(window.to),
    lo: clickHouseTime(window.lo),
    hi: clickHouseTime(window.hi),
    cutoff: clickHouseTime(cutoff),
    gap_ms: options.sessionGapMinutes * 60_000,
    conversion_types: [...options.conversionTypes],
    lookback_ms: options.attributionWindowDays * 86_400_000,
    bucket: options.heatmapBucketPx,
    ...zone.params,
  };
  const query = renderSql(sql, {
    site_zone: zone.siteZone('d.site_id'),
    local_date: zone.local('toDate', 'd.ts', 'site_zone'),
  });
  return { query, params };
}

/** A mart built by its one SQL file. */
function fileMart(
  name: MartName,
  unit: BuildUnit,
  { daysBefore = () => 1, speedLayer = false }: { daysBefore?: (o: BuildOptions) => number; speedLayer?: boolean } = {},
): Mart {
  return {
    name,
    table: speedLayer ? `mart_${name}_exact` : `mart_${name}`,
    staging: `mart_${name}_staging`,
    unit,
    speedLayer,
    daysBefore,
    statements: (context) => [render(martSql(name), context)],
  };
}

const marts: Record<MartName, Mart> = {
  traffic_hourly: fileMart('traffic_hourly', 'utc_day', { speedLayer: true }),
  sessions: fileMart('sessions', 'local_day'),
  ctr_daily: fileMart('ctr_daily', 'local_day', { speedLayer: true }),
  pages_daily: fileMart('pages_daily', 'local_day'),
  sources_daily: fileMart('sources_daily', 'local_day'),
  devices_daily: fileMart('devices_daily', 'local_day'),
  // clicks up to the lookback before the day's first conversion, plus a day for dedup
  attribution_daily: fileMart('attribution_daily', 'local_day', { daysBefore: (o) => o.attributionWindowDays + 1 }),
  heatmap_daily: fileMart('heatmap_daily', 'local_day'),
  events_daily: fileMart('events_daily', 'local_day'),
  funnel_daily: {
    name: 'funnel_daily',
    table: 'mart_funnel_daily',
    staging: 'mart_funnel_daily_staging',
    unit: 'local_day',
    speedLayer: false,
    daysBefore: () => 1,
    statements: (context) =>
      context.options.funnels.map((funnel) => {
        const { query, params } = funnelStatement(funnel);
        const rendered = render(query, context);
        return { query: rendered.query, params: { ...rendered.params, ...params } };
      }),
  },
  // a person's cohort is the week of their first event ever: all raw events are read
  retention_weekly: fileMart('retention_weekly', 'local_week', { daysBefore: () => Number.POSITIVE_INFINITY }),
};

/** The definition of a mart. */
export function mart(name: MartName): Mart {
  return marts[name];
}
