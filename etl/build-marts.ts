/**
 * Rebuilds marts over a time range, unit by unit, in this process (backfill, tests). The
 * range is widened to the whole units it touches in any site's zone (etl/build-unit.ts):
 * a unit is what is replaced.
 */
import { type BuildDeps, buildPartition, type PartitionResult } from './build-partition.js';
import { unitsTouched } from './build-unit.js';
import type { Day } from './day-window.js';
import { buildsOf, MART_NAMES, type MartName, mart } from './marts.js';
import type { BuildTrigger } from './run-log.js';
import { loadSiteZones, zonesInUse } from './site-zones.js';

export interface BuildMartsInput extends BuildDeps {
  from: Date;
  to: Date;
  /** Default: every mart. */
  marts?: readonly MartName[];
  trigger?: BuildTrigger;
  /** How many (mart, day) builds run at once; default 1. */
  concurrency?: number;
  /** Called after each build, e.g. for a progress bar. */
  onProgress?: (done: number, total: number, last: PartitionResult) => void;
}

/**
 * Builds every (mart, day) of the range; resolves with one result per build, or rejects
 * with the first failure once the builds already running have finished.
 */
export async function buildMarts(input: BuildMartsInput): Promise<PartitionResult[]> {
  // one build per mart that has one: pages_daily and sources_daily are the sessions build's
  const marts = buildsOf(input.marts ?? MART_NAMES);
  const zones = zonesInUse(await loadSiteZones(input.pgPool));
  const work: Array<{ mart: MartName; day: Day }> = [];
  for (const m of marts) {
    for (const day of unitsTouched(mart(m).unit, input.from, input.to, zones)) work.push({ mart: m, day });
  }
  // oldest first across marts, as before: a partial backfill leaves whole early days
  work.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  const results: PartitionResult[] = [];
  let next = 0;
  let failure: unknown;
  const worker = async () => {
    while (failure === undefined && next < work.length) {
      const item = work[next++]!;
      try {
        const result = await buildPartition(input, item.mart, item.day, { trigger: input.trigger ?? 'manual' });
        results.push(result);
        input.onProgress?.(results.length, work.length, result);
      } catch (error) {
        failure ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(input.concurrency ?? 1, work.length)) }, worker));
  if (failure !== undefined) throw failure;
  return results;
}
