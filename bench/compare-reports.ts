/**
 * Before/after table of two `clickstream bench --json` reports (e.g. main vs a branch, run
 * back to back), with CPU per accepted event per process: on a shared, busy machine the
 * absolute rates move with the neighbours' load, CPU per event much less.
 *
 *   npx tsx bench/compare-reports.ts before.json after.json
 */
import fs from 'node:fs';
import type { BenchReport } from './report.js';

type Report = Partial<BenchReport> & Pick<BenchReport, 'accepted_events_per_s' | 'processes' | 'ceilings'>;

const fmt = (v: number | undefined, digits = 0) =>
  v === undefined || !Number.isFinite(v)
    ? 'n/a'
    : v.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** The comparison as markdown. */
export function compareReports(before: Report, after: Report): string {
  const rows: Array<[string, (r: Report) => number | undefined, number?]> = [
    ['load average before (1 min)', (r) => r.machine?.loadavg_before[0], 2],
    ['end-to-end events/s', (r) => r.e2e_events_per_s],
    ['accepted events/s', (r) => r.accepted_events_per_s],
    ['requests/s', (r) => r.requests_per_s],
    ['API p99 ms (max phase)', (r) => r.api_p99_ms, 1],
    ['API p99 ms at 70 % of max', (r) => r.at_70pct?.api_p99_ms, 1],
    ['freshness p95 ms (max phase)', (r) => r.freshness_p95_ms],
    ['freshness p95 ms at 70 % of max', (r) => r.at_70pct?.freshness_p95_ms],
    ['our consumer replay rows/s', (r) => r.ceilings.our_consumer_replay_rows_per_s],
    ['Kafka engine rows/s', (r) => r.ceilings.kafka_engine_rows_per_s],
    ['replay / Kafka engine', (r) => r.ceilings.our_consumer_replay_rows_per_s / r.ceilings.kafka_engine_rows_per_s, 2],
    ['no-op Hono events/s', (r) => r.ceilings.hono_noop_events_per_s],
    ['API / no-op', (r) => r.accepted_events_per_s / r.ceilings.hono_noop_events_per_s, 2],
  ];
  const lines = ['| metric | before | after |', '| --- | ---: | ---: |'];
  for (const [name, get, digits] of rows)
    lines.push(`| ${name} | ${fmt(get(before), digits)} | ${fmt(get(after), digits)} |`);
  const check = (r: Report) => (r.rows_match ? 'match' : 'MISMATCH');
  lines.push(`| rows in ClickHouse == accepted | ${check(before)} | ${check(after)} |`);
  lines.push(
    '',
    '| process | CPU avg % before | after | CPU µs per accepted event before | after | RSS max MB before | after |',
  );
  lines.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const p of after.processes) {
    const b = before.processes.find((q) => q.name === p.name);
    const perEvent = (cpu: number | undefined, r: Report) =>
      cpu === undefined ? undefined : (cpu * 10_000) / r.accepted_events_per_s;
    lines.push(
      `| ${p.name} | ${fmt(b?.cpuAvgPct)} | ${fmt(p.cpuAvgPct)} | ${fmt(perEvent(b?.cpuAvgPct, before), 1)} | ${fmt(perEvent(p.cpuAvgPct, after), 1)} | ${fmt(b?.rssMaxMb)} | ${fmt(p.rssMaxMb)} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [beforeFile, afterFile] = process.argv.slice(2);
  if (!beforeFile || !afterFile) {
    console.error('usage: npx tsx bench/compare-reports.ts before.json after.json');
    process.exit(2);
  }
  const read = (f: string) => JSON.parse(fs.readFileSync(f, 'utf8')) as Report;
  process.stdout.write(compareReports(read(beforeFile), read(afterFile)));
}
