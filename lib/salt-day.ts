/**
 * Which day's visitor salt an event is hashed with, and the local day of an instant in a
 * site's zone. One place, used by the API (which hashes new records) and by the consumer
 * (which still hashes records written before the API did, and stamps `site_date`), so both
 * sides always agree.
 *
 * The salt day is the site's local day when the server received the event (salts rotate at
 * each site's local midnight, so a cookieless visitor keeps one id for the whole local day),
 * from the server's clock, never the client's: a client cannot pick which day's salt (and
 * thus which visitor) its events land in. A record without a zone, or with one this runtime
 * does not know (a newer API, another producer), counts as UTC rather than failing the event.
 */
import { localDayOf } from './time-zones.js';
import { utcDay } from './time.js';

/** A fast local-day function (lib/time-zones.ts createLocalDayCache), for hot paths. */
export type LocalDay = (instantMs: number, zone: string) => string;

/** The calendar day ('YYYY-MM-DD') of `instantMs` in `zone` (UTC when absent or unknown). */
export function siteDayOf(instantMs: number, zone: string | undefined, localDay?: LocalDay): string {
  const z = zone ?? 'UTC';
  try {
    // The cache answers the current day of a zone with two comparisons: cheaper than a Date.
    if (localDay) return localDay(instantMs, z);
    return z === 'UTC' ? utcDay(new Date(instantMs)) : localDayOf(new Date(instantMs), z);
  } catch {
    return utcDay(new Date(instantMs));
  }
}

/** The salt day of an event received at `receivedAtMs` for a site in `zone`. */
export function saltDayOf(receivedAtMs: number, zone: string | undefined, localDay?: LocalDay): string {
  return siteDayOf(receivedAtMs, zone, localDay);
}
