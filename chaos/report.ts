/**
 * The fault run's result: one JSON-friendly object (`--json`) and its markdown table, the
 * correctness checks first (they decide the exit code), then each timing target with the
 * figure measured and the machine's load beside it.
 */
import type { Percentiles } from '../bench/percentiles.js';
import type { FaultRecord } from './faults.js';
import type { Attempt } from './retrying-client.js';
import type { Comparison } from './ledger.js';
import type { SlowClientsResult } from './slow-clients.js';

export interface ChaosReport {
  machine: { cpus: number; node: string; loadavg_before: number[]; loadavg_max_1m: number; loadavg_after: number[] };
  settings: { duration_s: number; requests_per_s: number; events_per_request: number; outage_s: number };
  traffic: { requests: number; attempts: number; retried_requests: number; given_up_events: number };
  comparison: Comparison;
  statuses: Record<string, number>;
  refusals: Record<string, number>;
  /** Answers >= 500 other than 503, over load, hostile and canary requests. */
  five_xx_not_503: number;
  canaries: { posted: number; accepted: number; visible: number; max_delay_s: number };
  /** Accepted canaries not in ClickHouse at the end: each one is a wedged pipeline. */
  wedges: number;
  hostile: {
    requests: number;
    statuses: Record<string, number>;
    accepted: number;
    stored: number;
    dead_lettered: number;
  };
  slow_clients: Array<SlowClientsResult & { limit_s: number }>;
  latency: { all: Percentiles; kafka_fault: Percentiles };
  /** The slowest answers, for a look at where they came from. */
  slowest: Attempt[];
  produce_timeout_ms: number;
  rss_mb: { api_idle: number; api_max: number; api_max_kafka_fault: number; consumer_max: number };
  /** api RSS every 5 s: [s since the start, MB]. */
  api_rss_series: Array<[number, number]>;
  /** % of one core, sampled twice a second. */
  cpu_pct: { api_mean: number; api_max: number; consumer_mean: number };
  /** The api's own measure of how late its event loop ran (a starved or overloaded process). */
  api_loop_delay_max_ms: { all: number; kafka_fault: number };
  /** The load generator's own event-loop delay: a starved generator inflates every latency. */
  generator_loop_delay_max_ms: number;
  faults: FaultRecord[];
  /** API log lines at warn level or above: all, and while Kafka was down or recovering. */
  api_warn_lines: { total: number; kafka_fault: number };
  ok: boolean;
  failures: string[];
  targets_missed: string[];
}

const s = (ms: number | undefined) => (ms === undefined ? 'not within the wait' : `${(ms / 1000).toFixed(1)} s`);
const n = (v: number) => v.toLocaleString('en');
const statuses = (r: Record<string, number>) =>
  Object.entries(r)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k === '0' ? 'conn. error' : k}: ${n(v)}`)
    .join(', ');

/** The markdown table, as docs/reliability.md shows it. */
export function renderChaos(r: ChaosReport): string {
  const c = r.comparison;
  const idle = r.rss_mb.api_idle;
  const within = (v: number) => (v <= r.produce_timeout_ms + 500 ? 'yes' : 'NO');
  const rows: Array<[string, string]> = [
    ['events accepted (202, distinct ids)', n(c.accepted)],
    ['distinct in ClickHouse / `FINAL` rows', `${n(c.distinct)} / ${n(c.final)}`],
    ['in mart_sessions', n(c.martSessionsEvents)],
    [
      "in mart_traffic_hourly, exact hours (before the build's hour) / stored for them",
      `${n(c.martTrafficExactEvents)} / ${n(c.storedBeforeCutoff)}`,
    ],
    [
      'public mart_traffic_hourly (exact + speed layer) / distinct',
      `${n(c.martTrafficViewEvents)} / ${n(c.distinct)} (the speed layer counts retried copies until the hourly rebuild)`,
    ],
    ['**lost** (accepted, not stored)', n(c.lost)],
    ['**extra** (stored, never accepted nor in doubt)', n(c.extra)],
    ['in doubt (timed out, given up) and stored', `${n(c.inDoubtStored)} of ${n(r.traffic.given_up_events)} given up`],
    [
      '**wedges** (accepted canaries missing)',
      `${n(r.wedges)} (${n(r.canaries.accepted)} canaries, slowest visible after ${r.canaries.max_delay_s.toFixed(1)} s)`,
    ],
    ['**5xx other than 503**', n(r.five_xx_not_503)],
    ['answers', statuses(r.statuses)],
    ['503 codes', statuses(r.refusals)],
    [
      'hostile requests',
      `${n(r.hostile.requests)} (${statuses(r.hostile.statuses)}); ${n(r.hostile.accepted)} accepted → ${n(r.hostile.stored)} stored + ${n(r.hostile.dead_lettered)} dead-lettered`,
    ],
    ...r.slow_clients.map((sc): [string, string] => [
      `slow clients: ${sc.kind.replace('_', ' ')}`,
      `${n(sc.cut)} of ${n(sc.opened)} cut by the server, slowest after ${sc.maxCutS.toFixed(1)} s (limit ${sc.limit_s} s)`,
    ]),
    [
      'latency p99 / max, whole run',
      `${r.latency.all.p99.toFixed(0)} / ${r.latency.all.max.toFixed(0)} ms (within ${r.produce_timeout_ms + 500} ms: ${within(r.latency.all.max)})`,
    ],
    [
      'latency p99 / max, Kafka kill to recovery',
      `${r.latency.kafka_fault.p99.toFixed(0)} / ${r.latency.kafka_fault.max.toFixed(0)} ms (${n(r.latency.kafka_fault.count)} answers; within: ${within(r.latency.kafka_fault.max)})`,
    ],
    [
      'api RSS idle / max / max through the Kafka fault',
      `${idle.toFixed(0)} / ${r.rss_mb.api_max.toFixed(0)} / ${r.rss_mb.api_max_kafka_fault.toFixed(0)} MB (${(r.rss_mb.api_max / idle).toFixed(2)}× idle)`,
    ],
    [
      'api CPU mean / max; consumer CPU mean (% of a core)',
      `${r.cpu_pct.api_mean.toFixed(0)} / ${r.cpu_pct.api_max.toFixed(0)}; ${r.cpu_pct.consumer_mean.toFixed(0)}`,
    ],
    [
      'event-loop delay max: api whole run / api Kafka fault / load generator',
      `${r.api_loop_delay_max_ms.all.toFixed(0)} / ${r.api_loop_delay_max_ms.kafka_fault.toFixed(0)} / ${r.generator_loop_delay_max_ms.toFixed(0)} ms`,
    ],
    [
      'api warn lines, all / during the Kafka fault',
      `${n(r.api_warn_lines.total)} / ${n(r.api_warn_lines.kafka_fault)}`,
    ],
    ...r.faults.map((f): [string, string] => [
      `recovery: ${f.what}`,
      `backlog of ${n(f.backlogAtEnd)} records committed ${s(f.recoveryMs)} after the fault ended`,
    ]),
  ];
  const lines = [
    `Fault run: ${r.settings.duration_s} s of ${r.settings.requests_per_s} requests/s × ${r.settings.events_per_request} events, outages of ${r.settings.outage_s} s; ` +
      `${r.machine.cpus} CPUs, load average ${r.machine.loadavg_before.map((l) => l.toFixed(1)).join(' ')} before, ` +
      `${r.machine.loadavg_max_1m.toFixed(1)} at most (1 min), ${r.machine.loadavg_after.map((l) => l.toFixed(1)).join(' ')} after; Node ${r.machine.node}`,
    '',
    '| check | result |',
    '| --- | --- |',
    ...rows.map(([k, v]) => `| ${k} | ${v.replace(/\|/g, '\\|')} |`),
    '',
    r.ok
      ? '**Result: passed** (0 lost, 0 extra, 0 wedges, 0 5xx other than 503)'
      : `**Result: FAILED**: ${r.failures.join('; ')}`,
    r.targets_missed.length === 0
      ? 'Timing targets: all met.'
      : `Timing targets missed (load average above): ${r.targets_missed.join('; ')}`,
  ];
  return `${lines.join('\n')}\n`;
}
