/**
 * Rebuilds marts over a time range, day by day, in this process (backfill, tests). The
 * range is widened to the whole UTC days it touches: a day is the unit that is replaced.
 */
import type { Day } from './day-window.js';
import { daysTouched } from './day-window.js';
import { type BuildDeps, buildPartition, type PartitionResult } from './build-partition.js';
import { MART_NAMES, type MartName } from './marts.js';
import type { BuildTrigger } from './run-log.js';

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
  const marts = input.marts ?? MART_NAMES;
  const work: Array<{ mart: MartName; day: Day }> = [];
  for (const day of daysTouched(input.from, input.to)) for (const m of marts) work.push({ mart: m, day });
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
