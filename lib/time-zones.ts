/**
 * Site time zones: IANA names checked and canonicalised, and the calendar arithmetic the
 * marts need — where a site's local day starts in UTC, which local day an instant falls in,
 * the Monday of a week. A local day is the set of instants whose wall-clock date is that
 * day, so it lasts 23 or 25 hours on a DST change and starts at 18:30 UTC in Asia/Kolkata.
 * Luxon does the zone math (it reads the zone rules of the runtime's ICU); ClickHouse's
 * `toDate(ts, zone)` answers the same question with its own copy of the IANA rules.
 */
import { DateTime, IANAZone } from 'luxon';

/** A calendar day as 'YYYY-MM-DD'. */
export type CalendarDay = string;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The IANA name of a zone as it should be stored: as typed when it is a known name
 * ('Asia/Kolkata'), with its case fixed when only the case is off ('europe/moscow' →
 * 'Europe/Moscow'), and the UTC aliases ('Etc/UTC', 'GMT') as 'UTC'. The runtime's own
 * canonical form is not used: older ICU versions canonicalise to legacy names
 * ('Asia/Calcutta', 'Europe/Kiev') that users do not recognise.
 * @throws Error naming the input and giving examples, for anything that is not a zone.
 */
export function parseTimeZone(input: string): string {
  const name = input.trim();
  // Fixed offsets ('+03:00') are not IANA names: an offset has no DST rules.
  if (/^[A-Za-z]/.test(name) && IANAZone.isValidZone(name)) {
    const resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
    if (['UTC', 'Etc/UTC', 'Etc/GMT', 'GMT'].includes(resolved)) return 'UTC';
    const known = Intl.supportedValuesOf('timeZone');
    if (known.includes(name)) return name;
    const cased = known.find((z) => z.toLowerCase() === name.toLowerCase());
    if (cased) return cased;
    return name.toLowerCase() === resolved.toLowerCase() ? resolved : name;
  }
  throw new Error(
    `"${input}" is not an IANA time zone name; expected e.g. Europe/Moscow, Asia/Kolkata, America/New_York or UTC`,
  );
}

function checkDay(day: CalendarDay): void {
  if (!DAY.test(day) || !DateTime.fromISO(day, { zone: 'UTC' }).isValid) {
    throw new RangeError(`expected a day as YYYY-MM-DD, got ${JSON.stringify(day)}`);
  }
}

/**
 * The first instant of `day` in `zone`. Usually local midnight; where a DST change skips
 * midnight (some zones switch at 00:00), the first instant that exists.
 */
export function localDayStart(day: CalendarDay, zone: string): Date {
  checkDay(day);
  return DateTime.fromISO(day, { zone }).startOf('day').toJSDate();
}

/** `day` plus `days` (negative: before), as pure calendar arithmetic. */
export function addDays(day: CalendarDay, days: number): CalendarDay {
  checkDay(day);
  return DateTime.fromISO(day, { zone: 'UTC' }).plus({ days }).toISODate()!;
}

/** The local day `instant` falls in, in `zone`. */
export function localDayOf(instant: Date, zone: string): CalendarDay {
  const time = DateTime.fromJSDate(instant, { zone });
  if (!time.isValid) throw new RangeError(`localDayOf: invalid instant or zone ${zone}`);
  return time.toISODate()!;
}

/** The Monday starting the (ISO, Monday-first) week that contains `day`. */
export function mondayOf(day: CalendarDay): CalendarDay {
  checkDay(day);
  return DateTime.fromISO(day, { zone: 'UTC' }).startOf('week').toISODate()!;
}

/**
 * A fast {@link localDayOf} for hot paths (the consumer, once or twice per event): per
 * zone it remembers the bounds of the last day it computed, so events of the current day
 * cost two comparisons instead of a zone computation.
 */
export function createLocalDayCache(): (instantMs: number, zone: string) => CalendarDay {
  const last = new Map<string, { start: number; end: number; day: CalendarDay }>();
  return function localDay(instantMs, zone) {
    const hit = last.get(zone);
    if (hit && instantMs >= hit.start && instantMs < hit.end) return hit.day;
    const time = DateTime.fromMillis(instantMs, { zone });
    if (!time.isValid) throw new RangeError(`localDay: invalid instant ${instantMs} or zone ${zone}`);
    const start = time.startOf('day');
    const entry = {
      start: start.toMillis(),
      end: start.plus({ days: 1 }).startOf('day').toMillis(),
      day: time.toISODate()!,
    };
    if (last.size > 1000) last.clear(); // zones in use are few; never grow without bound
    last.set(zone, entry);
    return entry.day;
  };
}
