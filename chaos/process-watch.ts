/**
 * What the roles do during the fault run, twice a second: RSS and CPU of the api and the
 * consumer (whichever consumer process is current: faults restart it), the api's event-loop
 * delay (from its own /metrics, so measured inside the process), and the machine's load.
 */
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { readProcess } from '../bench/process-stats.js';

export interface WatchPoint {
  /** ms since the run's epoch. */
  at: number;
  apiRssMb: number;
  consumerRssMb: number;
  /** % of one core since the previous point. */
  apiCpuPct: number;
  consumerCpuPct: number;
  /** Longest event-loop delay the api saw since the previous scrape, ms (NaN: no answer). */
  apiLoopDelayMaxMs: number;
  /** The same for this process (the load generator): its latencies are only as good as this. */
  selfLoopDelayMaxMs: number;
  loadavg1m: number;
}

export function startProcessWatch(o: {
  apiPid: () => number;
  consumerPid: () => number;
  apiMetricsUrl: string;
  epoch: number;
  everyMs?: number;
}) {
  const points: WatchPoint[] = [];
  let running = true;
  const self = monitorEventLoopDelay({ resolution: 10 });
  self.enable();
  const last = new Map<string, { pid: number; at: number; cpu: number }>();
  const cpuPct = (name: string, pid: number, at: number): { rssMb: number; cpuPct: number } => {
    const reading = readProcess({ name, pid, tree: false });
    if (!reading) return { rssMb: 0, cpuPct: 0 };
    const previous = last.get(name);
    last.set(name, { pid, at, cpu: reading.cpuSeconds });
    const pct =
      previous && previous.pid === pid && at > previous.at
        ? ((reading.cpuSeconds - previous.cpu) * 100_000) / (at - previous.at)
        : 0;
    return { rssMb: reading.rssBytes / 2 ** 20, cpuPct: pct };
  };
  const loopDelay = async (): Promise<number> => {
    try {
      const text = await (await fetch(o.apiMetricsUrl, { signal: AbortSignal.timeout(2000) })).text();
      const match = /^clickstream_api_nodejs_eventloop_lag_max_seconds (\S+)$/m.exec(text);
      return match ? Number(match[1]) * 1000 : Number.NaN;
    } catch {
      return Number.NaN;
    }
  };
  const done = (async () => {
    while (running) {
      const started = performance.now();
      const delay = await loopDelay();
      const at = performance.now();
      const api = cpuPct('api', o.apiPid(), at);
      const consumer = cpuPct('consumer', o.consumerPid(), at);
      points.push({
        at: at - o.epoch,
        apiRssMb: api.rssMb,
        consumerRssMb: consumer.rssMb,
        apiCpuPct: api.cpuPct,
        consumerCpuPct: consumer.cpuPct,
        apiLoopDelayMaxMs: delay,
        selfLoopDelayMaxMs: self.max / 1e6,
        loadavg1m: os.loadavg()[0]!,
      });
      self.reset();
      await sleep(Math.max(0, (o.everyMs ?? 500) - (performance.now() - started)));
    }
  })();
  return {
    points,
    async stop(): Promise<WatchPoint[]> {
      running = false;
      await done;
      self.disable();
      return points;
    },
  };
}
