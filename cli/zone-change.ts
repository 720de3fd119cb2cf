/**
 * What `sites add/set --timezone` checks in ClickHouse, and what a zone change means for
 * marts already built: their days were cut in the old zone and stay so until rebuilt. The
 * marts are rebuilt from raw events, so the days to rebuild are those the site's raw events
 * span (widened by a day each side: a local day in either zone may start the UTC day before).
 */
import type { ClickHouseClient } from '../lib/clickhouse.js';
import { addDays } from '../lib/time-zones.js';

/** Whether ClickHouse has rules for the zone (its IANA copy may be older than Node's). */
export async function clickHouseKnowsZone(clickhouse: ClickHouseClient, zone: string): Promise<boolean> {
  const result = await clickhouse.query({
    query: 'SELECT count() AS n FROM system.time_zones WHERE time_zone = {zone:String}',
    query_params: { zone },
    format: 'JSONEachRow',
  });
  const [row] = await result.json<{ n: string }>();
  return Number(row?.n ?? 0) > 0;
}

/** The UTC days of the site's first and last raw event, or null when it has none. */
export async function rawEventDays(
  clickhouse: ClickHouseClient,
  siteId: string,
): Promise<{ first: string; last: string } | null> {
  const result = await clickhouse.query({
    query: `SELECT toString(toDate(min(ts))) AS first, toString(toDate(max(ts))) AS last, count() AS n
            FROM events WHERE site_id = {site:String}`,
    query_params: { site: siteId },
    format: 'JSONEachRow',
  });
  const [row] = await result.json<{ first: string; last: string; n: string }>();
  return row && Number(row.n) > 0 ? { first: row.first, last: row.last } : null;
}

/** The lines telling the user which days to rebuild after a zone change, with the command. */
export function rebuildAdvice(
  siteId: string,
  from: string,
  to: string,
  span: { first: string; last: string } | null,
): string[] {
  const head = `site "${siteId}" now counts its days in ${to} (was ${from}).`;
  if (span === null) return [head, 'It has no raw events yet: nothing to rebuild.'];
  const start = addDays(span.first, -1);
  const end = addDays(span.last, 2);
  return [
    head,
    `Marts built before keep ${from} days for this site until they are rebuilt. Its raw events span`,
    `${span.first} .. ${span.last} (UTC); rebuild those days (every site's rows of a day are rebuilt together):`,
    `  clickstream backfill --from ${start}T00:00:00Z --to ${end}T00:00:00Z`,
    'Days older than the raw events kept (EVENTS_RETENTION_DAYS) cannot be rebuilt and keep the old zone.',
  ];
}
