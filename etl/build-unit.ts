/**
 * What one build of a mart covers — its unit — and the UTC time it must read for it.
 *
 * - `utc_day`: a UTC day (mart_traffic_hourly: its hours are UTC hours).
 * - `local_day`: a calendar day D in every site's own zone. The partition `D` holds each
 *   site's rows for its local D, so one build covers, across all zones in use, from the
 *   earliest local midnight of D to the latest local midnight of D + 1 (a span of 24 h
 *   for UTC-only installs, up to 50 h with UTC+14 and UTC-12 sites).
 * - `local_week`: a Monday-start local week, named by its Monday (mart_retention_weekly).
 *
 * Every unit is built whole and swapped in atomically; any requested UTC range is widened
 * to the units it touches in any zone in use.
 */
import { addDays, localDayOf, localDayStart, mondayOf } from '../lib/time-zones.js';
import { type Day, dayStart, daysTouched } from './day-window.js';

export type BuildUnit = 'utc_day' | 'local_day' | 'local_week';

const DAY_MS = 86_400_000;

/** The UTC range a unit covers ([from, to)) and the wider range a build reads ([lo, hi)). */
export interface UnitWindow {
  day: Day;
  from: Date;
  to: Date;
  lo: Date;
  hi: Date;
}

/** The unit's own name for `day`: the Monday of its week for weekly units. */
export function unitDay(unit: BuildUnit, day: Day): Day {
  dayStart(day); // checks the form
  return unit === 'local_week' ? mondayOf(day) : day;
}

/**
 * The window of the build of `day`. It reads `daysBefore` days before the unit (dedup,
 * sessions begun the day before, attribution lookbacks; Infinity: all history) and one
 * day after it (duplicates in the next partition, sessions crossing midnight).
 * @param zones the zones in use, UTC included (etl/site-zones.ts zonesInUse)
 */
export function unitWindow(unit: BuildUnit, day: Day, daysBefore: number, zones: readonly string[]): UnitWindow {
  const start = unitDay(unit, day);
  let from: Date;
  let to: Date;
  if (unit === 'utc_day') {
    from = dayStart(start);
    to = dayStart(start, 1);
  } else {
    const next = addDays(start, unit === 'local_week' ? 7 : 1);
    const starts = zones.map((z) => localDayStart(start, z).getTime());
    const ends = zones.map((z) => localDayStart(next, z).getTime());
    from = new Date(Math.min(...starts));
    to = new Date(Math.max(...ends));
  }
  const lo = Number.isFinite(daysBefore) ? new Date(from.getTime() - daysBefore * DAY_MS) : new Date(0);
  return { day: start, from, to, lo, hi: new Date(to.getTime() + DAY_MS) };
}

/**
 * The units [from, to) touches in any of `zones`, oldest first. An empty range touches
 * from's unit only, so "rebuild now" always does something.
 */
export function unitsTouched(unit: BuildUnit, from: Date, to: Date, zones: readonly string[]): Day[] {
  const utcDays = daysTouched(from, to);
  if (unit === 'utc_day') return utcDays;
  const last = to.getTime() > from.getTime() ? new Date(to.getTime() - 1) : from;
  const days = new Set<Day>();
  for (const zone of zones) {
    const end = localDayOf(last, zone);
    for (let d = localDayOf(from, zone); d <= end; d = addDays(d, 1)) {
      days.add(unit === 'local_week' ? mondayOf(d) : d);
    }
  }
  return [...days].sort();
}
