/**
 * Which mart builds must run again after events of some days changed (an erasure): every
 * build whose window reads one of those days. A build of day X reads from `daysBefore`
 * days before X to the end of X + 1 (etl/day-window.ts), so an event on day D is read by
 * the builds of D - 1 up to D + daysBefore; a mart reading all history (daysBefore
 * Infinity) by every build from D - 1 on. Ranges of neighbouring days are merged, and
 * nothing after `now` is rebuilt.
 */
import { type Day, dayStart } from './day-window.js';

const DAY_MS = 86_400_000;

/** A time range [from, to) whose days a rebuild covers (the range `buildMarts` takes). */
export interface RebuildRange {
  from: Date;
  to: Date;
}

/** The ranges to rebuild for a mart reading `daysBefore` days back, when `days` changed. */
export function rebuildRanges(days: readonly Day[], daysBefore: number, now: Date): RebuildRange[] {
  const ranges = [...days]
    .sort()
    .map((day) => {
      const start = dayStart(day).getTime();
      const end = Number.isFinite(daysBefore) ? start + (daysBefore + 1) * DAY_MS : now.getTime() + 1;
      return { from: start - DAY_MS, to: Math.min(end, now.getTime() + 1) };
    })
    .filter((r) => r.to > r.from);
  const merged: Array<{ from: number; to: number }> = [];
  for (const r of ranges) {
    const last = merged.at(-1);
    if (last && r.from <= last.to) last.to = Math.max(last.to, r.to);
    else merged.push({ ...r });
  }
  return merged.map((r) => ({ from: new Date(r.from), to: new Date(r.to) }));
}
