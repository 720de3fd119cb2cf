/**
 * The marts: for each, its table, its staging twin, the unit one build covers (etl/build-
 * unit.ts), how far back a build reads, and the INSERT statements that fill the staging
 * partition of one unit. The SQL lives in etl/sql/<mart>.sql; table names here are
 * constants, never user input.
 */
import type { BuildOptions } from './build-options.js';
import type { BuildUnit, UnitWindow } from './build-unit.js';
import { clickHouseTime } from '../lib/time.js';
import { funnelEventFilter, funnelStatement } from './funnels.js';
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
  /**
   * Tables filled by the same build from the mart's staging rows (its statements fill their
   * staging twins after the mart's own), swapped in right after the mart's partition.
   */
  derived: ReadonlyArray<{ table: string; staging: string /** when the table is a mart's */; mart?: MartName }>;
  /** Days read before the unit (Infinity: all raw events kept). */
  daysBefore(options: BuildOptions): number;
  /**
   * Set on a mart with no build of its own: the mart whose build fills it, from the rows
   * that build has just staged (it is one of that mart's `derived` tables). Building it
   * means building that mart.
   */
  builtBy?: MartName;
  /** The INSERTs that fill the staging table's partition of the unit. */
  statements(context: BuildContext): Statement[];
}

/** Checks a name given on the command line or in a job payload. */
export function isMartName(name: string): name is MartName {
  return (MART_NAMES as readonly string[]).includes(name);
}

/**
 * Per SQL file, the events it counts: a SQL condition applied as the window is read, before
 * the dedup sorts it (a mart of clicks then sorts ~7 % of a day's rows, not all of them).
 * Constant SQL; values are params. Files not listed read every event (the marts of whole
 * sessions and visitors).
 */
const EVENT_FILTERS: Partial<Record<string, string>> = {
  ctr_daily: "type IN ('impression', 'click')",
  attribution_daily: "type = 'click' OR has({conversion_types:Array(String)}, type)",
  heatmap_daily: "type = 'click'",
  // pageviews per page; entries and exits come from the sessions staged before it
  pages_daily: "type = 'pageview'",
  // the custom events: every type the other marts do not count by name
  events_daily: "type NOT IN ('pageview', 'impression', 'click', 'identify')",
};

/** The params and dynamic SQL every mart file may use. */
function render(sql: string, { window, options, zones, cutoff }: BuildContext, eventFilter: string): Statement {
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
    event_filter: eventFilter,
  });
  return { query, params };
}

/** A mart built by its one SQL file. */
function fileMart(
  name: MartName,
  unit: BuildUnit,
  {
    daysBefore = () => 1,
    speedLayer = false,
    derived = [],
  }: { daysBefore?: (o: BuildOptions) => number; speedLayer?: boolean; derived?: readonly string[] } = {},
): Mart {
  return {
    name,
    table: speedLayer ? `mart_${name}_exact` : `mart_${name}`,
    staging: `mart_${name}_staging`,
    unit,
    speedLayer,
    derived: derived.map((d) => ({
      table: `mart_${d}`,
      staging: `mart_${d}_staging`,
      ...(isMartName(d) ? { mart: d } : {}),
    })),
    daysBefore,
    statements: (context) =>
      [name, ...derived].map((file) => render(martSql(file), context, EVENT_FILTERS[file] ?? '1')),
  };
}

/** A mart filled by another mart's build (one of its `derived` tables): no statements of its own. */
function builtByMart(name: MartName, owner: Mart): Mart {
  return {
    ...fileMart(name, owner.unit, { daysBefore: owner.daysBefore }),
    builtBy: owner.name,
    statements: () => {
      throw new Error(`mart_${name} has no build of its own: the ${owner.name} build fills it`);
    },
  };
}

// The sessions build also fills, from the sessions it has just staged:
// - visitors_hourly: per site and UTC hour, the distinct visitors of the sessions started
//   in it (uniqExact states): Overview merges a few hundred of them instead of reading
//   every session;
// - sources_daily (the sessions by source) and pages_daily (entries and exits, with the
//   day's pageviews): sessionizing a day is most of a build's cost, done once.
const sessions = fileMart('sessions', 'local_day', { derived: ['visitors_hourly', 'sources_daily', 'pages_daily'] });

const marts: Record<MartName, Mart> = {
  traffic_hourly: fileMart('traffic_hourly', 'utc_day', { speedLayer: true }),
  sessions,
  pages_daily: builtByMart('pages_daily', sessions),
  sources_daily: builtByMart('sources_daily', sessions),
  ctr_daily: fileMart('ctr_daily', 'local_day', { speedLayer: true }),
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
    derived: [],
    daysBefore: () => 1,
    statements: (context) =>
      context.options.funnels.map((funnel) => {
        const { query, params } = funnelStatement(funnel);
        const rendered = render(query, context, funnelEventFilter(funnel));
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

/** The mart whose build fills `name`: itself, or the mart it is built by. */
export function buildOf(name: MartName): MartName {
  return marts[name].builtBy ?? name;
}

/** The marts with a build of their own (each a `build_<mart>` job), in registry order. */
export const BUILT_MARTS: readonly MartName[] = MART_NAMES.filter((name) => marts[name].builtBy === undefined);

/** The distinct builds that fill `names`, in registry order. */
export function buildsOf(names: readonly MartName[]): MartName[] {
  const wanted = new Set(names.map(buildOf));
  return BUILT_MARTS.filter((name) => wanted.has(name));
}
