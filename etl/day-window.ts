/**
 * Days and time windows of a mart build. A build's unit is one UTC day: the partition a
 * mart replaces atomically. Any requested range is widened to the whole days it touches.
 */
import { clickHouseTime, utcDay } from '../lib/time.js';

const DAY_MS = 86_400_000;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A UTC day as 'YYYY-MM-DD'. */
export type Day = string;

/** Midnight UTC starting `day`, shifted by `offsetDays`. */
export function dayStart(day: Day, offsetDays = 0): Date {
  if (!DAY.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`))) {
    throw new RangeError(`expected a day as YYYY-MM-DD, got ${JSON.stringify(day)}`);
  }
  return new Date(Date.parse(`${day}T00:00:00Z`) + offsetDays * DAY_MS);
}

/**
 * The days touched by [from, to): from's day up to the day of the last millisecond
 * before `to`. An empty range (to <= from) touches from's day only, so "rebuild now"
 * always does something.
 */
export function daysTouched(from: Date, to: Date): Day[] {
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) throw new RangeError('expected valid dates');
  const last = to.getTime() > from.getTime() ? new Date(to.getTime() - 1) : from;
  const days: Day[] = [];
  for (let t = dayStart(utcDay(from)).getTime(); t <= last.getTime(); t += DAY_MS) {
    days.push(utcDay(new Date(t)));
  }
  return days;
}

/** The query params every mart SQL file may use for the build of `day`. */
export interface WindowParams {
  /** The day being built (Date). */
  day: Day;
  /** [from, to): the day itself. */
  from: string;
  to: string;
  /** [lo, hi): what is read, wider than the day (dedup across partitions, sessions, lookbacks). */
  lo: string;
  hi: string;
}

/**
 * The windows for the build of `day`: it reads `daysBefore` days before it and one day
 * after (duplicates in the next partition, sessions crossing midnight).
 */
export function windowParams(day: Day, daysBefore: number): WindowParams {
  return {
    day,
    from: clickHouseTime(dayStart(day)),
    to: clickHouseTime(dayStart(day, 1)),
    lo: clickHouseTime(dayStart(day, -daysBefore)),
    hi: clickHouseTime(dayStart(day, 2)),
  };
}
