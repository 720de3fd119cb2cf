/**
 * The bench's result: one JSON-friendly object (written by `--json`) and its markdown
 * rendering, with the issue's targets beside the numbers.
 */
import type { ProcessSummary } from './process-stats.js';
import type { PipelinePoint } from './pipeline-sampler.js';
import type { QueryBenchResult } from './query-bench.js';

export interface BenchReport {
  machine: { cpus: number; loadavg_before: number[]; loadavg_after: number[]; node: string };
  settings: {
    duration_s: number;
    rate: number | null;
    batch: number | 'sdk';
    connections: number;
    pipelining: number;
    seed_events: number;
  };
  e2e_events_per_s: number;
  accepted_events_per_s: number;
  requests_per_s: number;
  api_p50_ms: number;
  api_p95_ms: number;
  api_p99_ms: number;
  freshness_p50_ms: number;
  freshness_p95_ms: number;
  freshness_p99_ms: number;
  markers_missing: number;
  accepted_distinct_ids: number;
  rows_distinct: number;
  rows_match: boolean;
  statuses: Record<string, number>;
  late_starts: number;
  resends: number;
  /** The phase after the max one, at 70 % of the event rate it reached. */
  at_70pct: {
    rate_events_per_s: number;
    duration_s: number;
    accepted_events_per_s: number;
    requests_per_s: number;
    api_p50_ms: number;
    api_p99_ms: number;
    freshness_p50_ms: number;
    freshness_p95_ms: number;
    late_starts: number;
    processes: ProcessSummary[];
  };
  /** Peak resident memory during the max phase. */
  rss_max_mb: { api: number; consumer: number };
  load_generator: {
    client: string;
    connections: number;
    pipelining: number;
    /** What the generator drove against the no-op endpoint: its own ceiling, next to the results. */
    noop_requests_per_s: number;
  };
  consumer: {
    rows_per_s_avg: number;
    rows_per_s_max: number;
    lag_max: number;
    lag_end: number;
    series: PipelinePoint[];
  };
  processes: ProcessSummary[];
  ceilings: {
    clickhouse_raw_rows_per_s: number;
    kafka_engine_rows_per_s: number;
    kafka_engine_completed: boolean;
    our_consumer_replay_rows_per_s: number;
    our_consumer_replay_completed: boolean;
    hono_noop_events_per_s: number;
  };
  queries_p95_ms: number | null;
  queries: QueryBenchResult | null;
}

const n = (v: number, digits = 0) =>
  Number.isFinite(v) ? v.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : 'n/a';
const ratio = (a: number, b: number) => (b > 0 && Number.isFinite(a) ? `${(a / b).toFixed(2)}x` : 'n/a');

const cell = (text: string) => text.replace(/\|/g, '\\|');
const variablesText = (v: Record<string, Record<string, string>>) => {
  const all = new Map<string, string>();
  for (const values of Object.values(v)) for (const [name, value] of Object.entries(values)) all.set(name, value);
  return [...all].map(([name, value]) => `${name} = ${cell(value)}`).join(', ');
};

/** The report as markdown tables (what `clickstream bench` prints on stdout). */
export function renderMarkdown(r: BenchReport): string {
  const c = r.ceilings;
  const a = r.at_70pct;
  const lines = [
    `### clickstream bench — ${r.settings.duration_s} s, rate ${r.settings.rate ?? 'max'}, batch ${r.settings.batch}, ${r.settings.connections} connections x ${r.settings.pipelining} in flight`,
    `${r.machine.cpus} CPUs, load average before ${r.machine.loadavg_before.map((l) => l.toFixed(2)).join(' ')}, after ${r.machine.loadavg_after.map((l) => l.toFixed(2)).join(' ')}; node ${r.machine.node}`,
    '',
    '| metric | value | target |',
    '| --- | ---: | --- |',
    `| end-to-end events/s (distinct rows visible / time) | ${n(r.e2e_events_per_s)} | >= 50,000 and >= 0.8x (b) (50-event batches); >= 25,000 (SDK) |`,
    `| accepted events/s | ${n(r.accepted_events_per_s)} | |`,
    `| requests/s | ${n(r.requests_per_s)} | >= 5,000 (1-event requests) |`,
    `| API latency p50 / p95 / p99 ms | ${n(r.api_p50_ms, 1)} / ${n(r.api_p95_ms, 1)} / ${n(r.api_p99_ms, 1)} | p99 <= 20 at 70% of max |`,
    `| freshness p50 / p95 / p99 ms | ${n(r.freshness_p50_ms)} / ${n(r.freshness_p95_ms)} / ${n(r.freshness_p99_ms)} | |`,
    `| at 70 % of max (${n(a.rate_events_per_s)} events/s for ${a.duration_s} s): accepted events/s | ${n(a.accepted_events_per_s)} (${n(a.requests_per_s)} req/s; late starts ${n(a.late_starts)}) | |`,
    `| at 70 % of max: API p50 / p99 ms | ${n(a.api_p50_ms, 1)} / ${n(a.api_p99_ms, 1)} | p99 <= 20 |`,
    `| at 70 % of max: freshness p50 / p95 ms | ${n(a.freshness_p50_ms)} / ${n(a.freshness_p95_ms)} | p95 <= 1,000 |`,
    `| RSS max at max rate: api / consumer MB | ${n(r.rss_max_mb.api)} / ${n(r.rss_max_mb.consumer)} | <= 200 / <= 300 |`,
    `| rows check: distinct event_id in ClickHouse == accepted | ${n(r.rows_distinct)} == ${n(r.accepted_distinct_ids)}: **${r.rows_match ? 'match' : 'MISMATCH'}** | exact |`,
    `| consumer rows/s avg / max; lag max / end | ${n(r.consumer.rows_per_s_avg)} / ${n(r.consumer.rows_per_s_max)}; ${n(r.consumer.lag_max)} / ${n(r.consumer.lag_end)} | |`,
    `| HTTP answers | ${Object.entries(r.statuses)
      .map(([s, k]) => `${s}: ${n(k)}`)
      .join(', ')}; resends ${n(r.resends)}; late starts ${n(r.late_starts)} | |`,
    '',
    '| ceiling (same run, same rows) | rows/s | ours vs ceiling |',
    '| --- | ---: | ---: |',
    `| (a) raw ClickHouse HTTP insert, identical table | ${n(c.clickhouse_raw_rows_per_s)} | e2e ${ratio(r.e2e_events_per_s, c.clickhouse_raw_rows_per_s)} |`,
    `| (b) ClickHouse Kafka engine + MV, same topic${c.kafka_engine_completed ? '' : ' (timed out: partial)'} | ${n(c.kafka_engine_rows_per_s)} | our consumer replay ${n(c.our_consumer_replay_rows_per_s)}${c.our_consumer_replay_completed ? '' : ' (partial)'} = ${ratio(c.our_consumer_replay_rows_per_s, c.kafka_engine_rows_per_s)} (target >= 1.0x) |`,
    `| (c) no-op Hono endpoint, same body parsing (events/s) | ${n(c.hono_noop_events_per_s)} | API ${ratio(r.accepted_events_per_s, c.hono_noop_events_per_s)} (target >= 0.7x) |`,
    `| load generator (${r.load_generator.client}, ${r.load_generator.connections} x ${r.load_generator.pipelining}) on the no-op endpoint, requests/s | ${n(r.load_generator.noop_requests_per_s)} | ${ratio(r.load_generator.noop_requests_per_s, r.requests_per_s)} of our requests/s (>= 3x wanted) |`,
    '',
    // CPU per accepted event is what a busy, shared machine changes least: compare runs by it.
    '| process (max phase) | CPU avg % | CPU max % | CPU µs per accepted event | RSS max MB |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...r.processes.map(
      (p) =>
        `| ${p.name} | ${n(p.cpuAvgPct)} | ${n(p.cpuMaxPct)} | ${n((p.cpuAvgPct * 10_000) / r.accepted_events_per_s, 1)} | ${n(p.rssMaxMb)} |`,
    ),
  ];
  if (r.queries) {
    const q = r.queries;
    lines.push(
      '',
      `Dashboard panel queries (every ClickHouse panel of dashboards/json/, as Grafana renders them) at ${n(q.seedEvents)} seeded events over ${q.days} days (seeded in ${n(q.seedSeconds, 1)} s); ${q.runs} sequential runs each; variables: ${variablesText(q.variables)}.`,
      '',
      '| dashboard | panel | rows | p50 ms | p95 ms |',
      '| --- | --- | ---: | ---: | ---: |',
      `| (all) | build of all marts, ${q.days} days (one run) | | ${n(q.martBuildSeconds, 1)} s | |`,
      ...q.panels.map((p) => `| ${p.dashboard} | ${cell(p.panel)} | ${n(p.rows)} | ${n(p.p50, 1)} | ${n(p.p95, 1)} |`),
      `| (all) | worst panel p95 (target <= 100 ms) | | | ${n(q.p95Ms, 1)} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}
