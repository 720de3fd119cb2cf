/**
 * The CPU time the embedded ClickHouse processes have used, read from /proc: what compares
 * across runs on a shared machine, where wall time swings 2× with other load. External
 * servers are not measured.
 */
import type { Config } from '../lib/config.js';
import { servicesStatus } from '../local/services.js';
import { readProcess } from './process-stats.js';

/**
 * A clock of the CPU seconds used so far by the embedded ClickHouse services whose name
 * `which` accepts (default: every node, the embedded cluster's shards included); it reads
 * NaN when none of them runs embedded.
 */
export async function embeddedClickHouseCpu(
  config: Config,
  which: (service: string) => boolean = (name) => name.startsWith('clickhouse'),
): Promise<() => number> {
  const pids = (await servicesStatus(config)).flatMap((s) =>
    which(s.name) && s.mode === 'embedded' && s.pid ? [s.pid] : [],
  );
  return () =>
    pids.length === 0
      ? Number.NaN
      : pids.reduce(
          (sum, pid) => sum + (readProcess({ name: 'clickhouse', pid, tree: true })?.cpuSeconds ?? Number.NaN),
          0,
        );
}
