/**
 * One bench run, start to finish, bounded in time: start a private stack, drive traffic
 * while sampling freshness, consumer progress and process CPU/RSS, drain and check the
 * rows, then measure the ceilings and (optionally) the query side, and stop everything.
 */
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildOptionsFromConfig } from '../etl/build-options.js';
import { clickhouseTarget, createClickHouse } from '../lib/clickhouse.js';
import { createKafka } from '../lib/kafka.js';
import { createPgPool } from '../lib/postgres.js';
import { measureRawInsert } from './ceiling-clickhouse-raw.js';
import { startNoopServer } from './ceiling-hono-noop.js';
import { measureKafkaEngine } from './ceiling-kafka-engine.js';
import { startLoadChild, type LoadChildArgs } from './load-child.js';
import { distinctIds, drain, runLoadPhase } from './load-phase.js';
import type { ProcessSummary } from './process-stats.js';
import { runQueryBench, SEED_FUNNELS } from './query-bench.js';
import { measureReplay } from './replay-consumer.js';
import type { BenchReport } from './report.js';
import { startBenchStack } from './stack.js';
import { ETL_CLICKHOUSE_SETTINGS } from '../etl/clickhouse-settings.js';

export interface BenchOptions {
  dataDir: string;
  durationS: number;
  /** Events/s to offer; undefined: as fast as the API takes them. */
  rate?: number;
  /** Events per request; undefined: SDK-like sizes. */
  batch?: number;
  connections: number;
  /** Requests in flight per connection. */
  pipelining: number;
  seedEvents: number;
  /** Write V8 CPU profiles of the api and consumer processes into this folder. */
  cpuProfDir?: string;
  log: (m: string) => void;
}

const SITES = 3;
/** Longest 70 %-of-max phase: enough samples for a p99 without doubling the run. */
const AT_70_MAX_S = 30;
/** Max rows copied for the raw-insert ceiling (they are held in memory). */
const RAW_CEILING_MAX_ROWS = 1_000_000;

export async function runBench(o: BenchOptions): Promise<BenchReport> {
  const loadavgBefore = os.loadavg();
  o.log(`bench: starting a private stack in ${o.dataDir}`);
  const stack = await startBenchStack({
    dataDir: o.dataDir,
    siteCount: SITES,
    log: o.log,
    ...(o.cpuProfDir ? { roleNodeArgs: ['--cpu-prof', `--cpu-prof-dir=${o.cpuProfDir}`] } : {}),
  });
  const { config, endpoints } = stack;
  // the admin: the ceilings create and drop scratch tables and databases
  const clickhouse = createClickHouse(
    clickhouseTarget(config, endpoints, { ...config.clickhouse.admin, requestTimeoutMs: config.etl.queryTimeoutMs }),
    ETL_CLICKHOUSE_SETTINGS,
  );
  const kafka = createKafka({ brokers: endpoints.kafkaBrokers, clientId: 'bench' });
  const topic = config.kafka.topicRaw;
  try {
    const loadArgs: LoadChildArgs = {
      url: stack.apiUrl,
      sites: stack.sites,
      seed: 1,
      durationMs: o.durationS * 1000,
      connections: o.connections,
      pipelining: o.pipelining,
      ...(o.rate ? { rate: o.rate } : {}),
      ...(o.batch ? { batchSize: o.batch } : {}),
    };
    const siteIds = stack.sites.map((s) => s.siteId);
    const drainTimeout = Math.max(60_000, o.durationS * 2000);

    o.log(
      `bench: posting traffic for ${o.durationS} s (rate ${o.rate ?? 'max'}, batch ${o.batch ?? 'sdk'}, ${o.connections} connections x ${o.pipelining} in flight)`,
    );
    const max = await runLoadPhase({ stack, clickhouse, kafka, load: loadArgs });
    const loaded = max.loaded;
    const freshness = max.freshness;
    o.log(
      `bench: load done, ${loaded.acceptedEvents.toLocaleString('en')} events accepted; waiting for ClickHouse to hold them all`,
    );
    // Drain: until every accepted distinct id is visible, or a bounded wait.
    let expected = loaded.distinctAcceptedIds + freshness.markersAccepted;
    const drained = await drain(clickhouse, siteIds, expected, drainTimeout);
    const e2eSeconds = (drained.at - max.startedAt) / 1000;
    await sleep(1000);
    const visibleAfterMax = await distinctIds(clickhouse, siteIds);

    // The same traffic (other ids) at 70 % of the rate the max phase reached: latency and
    // freshness where the box still has headroom, as a deployment would be sized.
    const rate70 = Math.max(1, Math.round((0.7 * loaded.acceptedEvents) / (loaded.elapsedMs / 1000)));
    const durationS70 = Math.min(o.durationS, AT_70_MAX_S);
    o.log(`bench: ${durationS70} s at 70 % of that rate (${rate70.toLocaleString('en')} events/s)`);
    const at70 = await runLoadPhase({
      stack,
      clickhouse,
      kafka,
      load: { ...loadArgs, seed: 2, rate: rate70, durationMs: durationS70 * 1000 },
    });
    expected += at70.loaded.distinctAcceptedIds + at70.freshness.markersAccepted;
    await drain(clickhouse, siteIds, expected, drainTimeout);
    await sleep(1000);
    const visible = await distinctIds(clickhouse, siteIds);
    await stack.stopRoles();

    // Ceilings, one at a time so they do not share the CPU.
    const catchUpTimeout = Math.max(60_000, o.durationS * 3000);
    o.log('bench: ceiling (c) no-op Hono endpoint');
    const noop = await startNoopServer();
    const noopSeconds = Math.min(10, o.durationS);
    const noopLoad = await startLoadChild({
      ...loadArgs,
      url: noop.url,
      durationMs: noopSeconds * 1000,
      rate: undefined,
    }).result.finally(() => noop.stop());
    o.log('bench: ceiling (a) raw ClickHouse insert');
    const raw = await measureRawInsert(clickhouse, {
      siteIds,
      maxRows: RAW_CEILING_MAX_ROWS,
      blockRows: config.consumer.flushRows,
    });
    o.log('bench: our consumer replaying the topic from the start');
    const replay = await measureReplay(clickhouse, kafka, {
      env: stack.env,
      endpoints,
      topic,
      timeoutMs: catchUpTimeout,
    });
    o.log('bench: ceiling (b) ClickHouse Kafka engine on the same topic');
    const engine = await measureKafkaEngine(clickhouse, kafka, {
      brokers: endpoints.kafkaBrokers,
      topic,
      // As many consumers as cores (ClickHouse caps it there), flushing as often as ours does.
      consumers: Math.min(os.cpus().length, config.kafka.topicPartitions),
      flushMs: config.consumer.flushMs,
      timeoutMs: catchUpTimeout,
    });

    let queries = null;
    if (o.seedEvents > 0) {
      const pgPool = createPgPool(endpoints.databaseUrl, () => {}, 4);
      try {
        queries = await runQueryBench({
          clickhouse,
          pgPool,
          options: { ...buildOptionsFromConfig(config), funnels: SEED_FUNNELS },
          rows: o.seedEvents,
          days: 7,
          runs: 20,
          log: o.log,
        });
      } finally {
        await pgPool.end();
      }
    }

    const points = max.points;
    const loadSeconds = loaded.elapsedMs / 1000;
    const lat = loaded.latencyMs;
    return {
      machine: {
        cpus: os.cpus().length,
        loadavg_before: loadavgBefore,
        loadavg_after: os.loadavg(),
        node: process.version,
      },
      settings: {
        duration_s: o.durationS,
        rate: o.rate ?? null,
        batch: o.batch ?? 'sdk',
        connections: o.connections,
        pipelining: o.pipelining,
        seed_events: o.seedEvents,
      },
      e2e_events_per_s: visibleAfterMax / e2eSeconds,
      accepted_events_per_s: loaded.acceptedEvents / loadSeconds,
      requests_per_s: loaded.requests / loadSeconds,
      api_p50_ms: lat.p50,
      api_p95_ms: lat.p95,
      api_p99_ms: lat.p99,
      freshness_p50_ms: freshness.freshnessMs.p50,
      freshness_p95_ms: freshness.freshnessMs.p95,
      freshness_p99_ms: freshness.freshnessMs.p99,
      markers_missing: freshness.markersMissing,
      accepted_distinct_ids: expected,
      rows_distinct: visible,
      rows_match: visible === expected,
      statuses: loaded.statuses,
      late_starts: loaded.lateStarts,
      resends: loaded.resends,
      at_70pct: {
        rate_events_per_s: rate70,
        duration_s: durationS70,
        accepted_events_per_s: at70.loaded.acceptedEvents / (at70.loaded.elapsedMs / 1000),
        requests_per_s: at70.loaded.requests / (at70.loaded.elapsedMs / 1000),
        api_p50_ms: at70.loaded.latencyMs.p50,
        api_p99_ms: at70.loaded.latencyMs.p99,
        freshness_p50_ms: at70.freshness.freshnessMs.p50,
        freshness_p95_ms: at70.freshness.freshnessMs.p95,
        late_starts: at70.loaded.lateStarts,
        processes: at70.processes,
      },
      rss_max_mb: {
        api: rssOf(max.processes, 'api'),
        consumer: rssOf(max.processes, 'consumer'),
      },
      load_generator: {
        client: 'undici',
        connections: o.connections,
        pipelining: o.pipelining,
        noop_requests_per_s: noopLoad.requests / (noopLoad.elapsedMs / 1000),
      },
      consumer: {
        rows_per_s_avg:
          points.length > 1
            ? Math.round((points.at(-1)!.rows - points[0]!.rows) / (points.at(-1)!.t - points[0]!.t) || 0)
            : 0,
        rows_per_s_max: Math.max(0, ...points.map((p) => p.rowsPerS)),
        lag_max: Math.max(0, ...points.map((p) => p.lag)),
        lag_end: points.at(-1)?.lag ?? 0,
        series: points,
      },
      processes: max.processes,
      ceilings: {
        clickhouse_raw_rows_per_s: raw.rowsPerS,
        kafka_engine_rows_per_s: engine.rowsPerS,
        kafka_engine_completed: engine.completed,
        our_consumer_replay_rows_per_s: replay.rowsPerS,
        our_consumer_replay_completed: replay.completed,
        hono_noop_events_per_s: noopLoad.acceptedEvents / (noopLoad.elapsedMs / 1000),
      },
      queries_p95_ms: queries?.p95Ms ?? null,
      queries,
    };
  } finally {
    await clickhouse.close().catch(() => {});
    o.log('bench: stopping the stack');
    await stack.stop();
  }
}

function rssOf(processes: ProcessSummary[], name: string): number {
  return processes.find((p) => p.name === name)?.rssMaxMb ?? 0;
}
