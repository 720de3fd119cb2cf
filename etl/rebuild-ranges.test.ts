import { describe, expect, it } from 'vitest';
import { daysTouched } from './day-window.js';
import { rebuildRanges } from './rebuild-ranges.js';

const now = new Date('2026-12-10T12:00:00Z');
const days = (r: { from: Date; to: Date }) => daysTouched(r.from, r.to);

describe('rebuildRanges', () => {
  it('covers the builds that read the day: the day before it up to daysBefore days after', () => {
    const [range] = rebuildRanges(['2026-12-01'], 1, now);
    expect(days(range!)).toEqual(['2026-11-30', '2026-12-01', '2026-12-02']);
  });

  it('follows a longer lookback (attribution reads 8 days back)', () => {
    const [range] = rebuildRanges(['2026-12-01'], 8, now);
    expect(days(range!)).toEqual(daysTouched(new Date('2026-11-30T00:00:00Z'), new Date('2026-12-10T00:00:00Z')));
  });

  it('merges neighbouring days and keeps distant ones apart', () => {
    const ranges = rebuildRanges(['2026-12-05', '2026-11-01', '2026-12-04', '2026-11-02'], 1, now);
    expect(ranges.map(days)).toEqual([
      ['2026-10-31', '2026-11-01', '2026-11-02', '2026-11-03'],
      ['2026-12-03', '2026-12-04', '2026-12-05', '2026-12-06'],
    ]);
  });

  it('never rebuilds past now; a mart reading all history is rebuilt from the day before to today', () => {
    expect(rebuildRanges(['2026-12-10'], 1, now).map(days)).toEqual([['2026-12-09', '2026-12-10']]);
    expect(rebuildRanges(['2026-12-07'], Number.POSITIVE_INFINITY, now).map(days)).toEqual([
      ['2026-12-06', '2026-12-07', '2026-12-08', '2026-12-09', '2026-12-10'],
    ]);
  });
});
