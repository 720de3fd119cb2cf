/**
 * Site time zones as a mart build sees them: read from Postgres at the start of each build
 * (so a zone change applies from the next build on), turned into SQL that gives each event
 * its site-local date. ClickHouse needs a constant zone in `toDate(ts, zone)`, so each zone
 * in use becomes one query parameter and one branch of a multiIf picked per site; sites
 * not listed (most, and events of sites unknown to Postgres) are UTC.
 */
import type { Pool } from '../lib/postgres.js';
import { createSiteStore } from '../lib/sites.js';

/** site_id → IANA zone, for every site not counted in UTC. */
export type SiteZones = ReadonlyMap<string, string>;

/** Every site's zone, as stored (canonical IANA names). */
export async function loadSiteZones(pool: Pool): Promise<SiteZones> {
  return createSiteStore(pool).timeZones();
}

/** The distinct zones of `zones`, UTC first: the zones a build's window must cover. */
export function zonesInUse(zones: SiteZones): string[] {
  return ['UTC', ...[...new Set(zones.values())].filter((z) => z !== 'UTC').sort()];
}

/** The SQL pieces and params that map an event to its site's local calendar. */
export interface ZoneSql {
  params: Record<string, unknown>;
  /** An expression giving the 1-based zone index of `siteColumn` (0: UTC). */
  siteZone(siteColumn: string): string;
  /** `fn(tsColumn, <site's zone>)`, e.g. fn 'toDate' or 'toMonday'; `zoneColumn` is siteZone's alias. */
  local(fn: 'toDate' | 'toMonday', tsColumn: string, zoneColumn: string): string;
}

/** Builds {@link ZoneSql} for the zones of a build. Values go in as params, never as text. */
export function zoneSql(zones: SiteZones): ZoneSql {
  const names = zonesInUse(zones).slice(1);
  const index = new Map(names.map((z, i) => [z, i + 1]));
  const sites = [...zones.entries()].filter(([, z]) => index.has(z));
  const params: Record<string, unknown> = {
    zone_sites: sites.map(([s]) => s),
    zone_index: sites.map(([, z]) => index.get(z)!),
  };
  names.forEach((z, i) => {
    params[`tz${i + 1}`] = z;
  });
  return {
    params,
    siteZone: (siteColumn) =>
      names.length === 0
        ? 'toUInt16(0)'
        : `transform(${siteColumn}, {zone_sites:Array(String)}, {zone_index:Array(UInt16)}, toUInt16(0))`,
    local: (fn, tsColumn, zoneColumn) => {
      if (names.length === 0) return `${fn}(${tsColumn}, 'UTC')`;
      const branches = names.map((_, i) => `${zoneColumn} = ${i + 1}, ${fn}(${tsColumn}, {tz${i + 1}:String})`);
      return `multiIf(${branches.join(', ')}, ${fn}(${tsColumn}, 'UTC'))`;
    },
  };
}
