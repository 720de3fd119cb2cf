/**
 * CPU and memory of processes, read from Linux /proc: `stat` (utime + stime, in clock
 * ticks) and `status` (VmRSS). A service that forks (Postgres: one backend per
 * connection) is read as its whole process tree, since its children do the work.
 */
import fs from 'node:fs';

/** USER_HZ: 100 on every mainstream Linux build (`getconf CLK_TCK`). */
const TICKS_PER_SECOND = 100;

export interface ProcessTarget {
  name: string;
  pid: number;
  /** Also count the pid's descendants (e.g. Postgres backends). */
  tree: boolean;
}

export interface ProcessSummary {
  name: string;
  pid: number;
  /** Average CPU over the sampled span, in % of one core (200% = both cores of a 2-core box). */
  cpuAvgPct: number;
  cpuMaxPct: number;
  rssMaxMb: number;
}

interface Reading {
  cpuSeconds: number;
  rssBytes: number;
}

function statOf(pid: number): { ppid: number; cpuSeconds: number } | undefined {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: split after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const ppid = Number(fields[1]);
    const ticks = Number(fields[11]) + Number(fields[12]);
    return { ppid, cpuSeconds: ticks / TICKS_PER_SECOND };
  } catch {
    return undefined;
  }
}

function rssOf(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Every process below `root` (children, their children, ...), from /proc. */
export function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = statOf(Number(entry));
    if (stat) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), Number(entry)]);
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/** CPU seconds used so far and resident memory now, of the pid (and its tree). */
export function readProcess(target: ProcessTarget): Reading | undefined {
  const own = statOf(target.pid);
  if (!own) return undefined;
  const pids = target.tree ? [target.pid, ...descendants(target.pid)] : [target.pid];
  let cpuSeconds = 0;
  let rssBytes = 0;
  for (const pid of pids) {
    cpuSeconds += pid === target.pid ? own.cpuSeconds : (statOf(pid)?.cpuSeconds ?? 0);
    rssBytes += rssOf(pid);
  }
  return { cpuSeconds, rssBytes };
}

/**
 * Samples the targets on every `sample()` call; `summary()` gives each one's average and
 * peak CPU between the first and last sample, and its peak RSS. A child that exits
 * before the tree is read again loses its last slice of CPU (a small undercount).
 */
export function createProcessSampler(targets: ProcessTarget[]) {
  const first = new Map<string, { at: number; cpu: number }>();
  const last = new Map<string, { at: number; cpu: number }>();
  const peak = new Map<string, { cpuPct: number; rss: number }>();
  return {
    sample(): void {
      const at = performance.now();
      for (const t of targets) {
        const reading = readProcess(t);
        if (!reading) continue;
        const previous = last.get(t.name);
        const p = peak.get(t.name) ?? { cpuPct: 0, rss: 0 };
        if (previous && at > previous.at)
          p.cpuPct = Math.max(p.cpuPct, ((reading.cpuSeconds - previous.cpu) * 100_000) / (at - previous.at));
        p.rss = Math.max(p.rss, reading.rssBytes);
        peak.set(t.name, p);
        if (!first.has(t.name)) first.set(t.name, { at, cpu: reading.cpuSeconds });
        last.set(t.name, { at, cpu: reading.cpuSeconds });
      }
    },
    summary(): ProcessSummary[] {
      return targets.flatMap((t) => {
        const a = first.get(t.name);
        const b = last.get(t.name);
        const p = peak.get(t.name);
        if (!a || !b || !p) return [];
        const cpuAvgPct = b.at > a.at ? ((b.cpu - a.cpu) * 100_000) / (b.at - a.at) : 0;
        return [{ name: t.name, pid: t.pid, cpuAvgPct, cpuMaxPct: p.cpuPct, rssMaxMb: p.rss / 1024 / 1024 }];
      });
    },
  };
}
