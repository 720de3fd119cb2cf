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
import { createFreshnessProbe } from './freshness.js';
import { startLoadChild, type LoadChildArgs } from './load-child.js';
import { createPipelineSampler } from './pipeline-sampler.js';
import { createProcessSampler } from './process-stats.js';
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
  seedEvents: number;
  /** Write V8 CPU profiles of the api and consumer processes into this folder. */
  cpuProfDir?: string;
  log: (m: string) => void;
}

const SITES = 3;
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
      ...(o.rate ? { rate: o.rate } : {}),
      ...(o.batch ? { batchSize: o.batch } : {}),
    };
    // Load phase.
    const markerSite = stack.sites[0]!;
    const probe = createFreshnessProbe({
      apiUrl: stack.apiUrl,
      key: markerSite.key,
      siteId: markerSite.siteId,
      clickhouse,
    });
    const pipeline = createPipelineSampler({ clickhouse, kafka, topic, groupId: config.kafka.consumerGroup });
    o.log(
      `bench: posting traffic for ${o.durationS} s (rate ${o.rate ?? 'max'}, batch ${o.batch ?? 'sdk'}, ${o.connections} connections)`,
    );
    const load = startLoadChild(loadArgs);
    const processes = createProcessSampler([
      { name: 'api', pid: stack.rolePids.api, tree: false },
      { name: 'consumer', pid: stack.rolePids.consumer, tree: false },
      { name: 'bench process (freshness probe, samplers)', pid: process.pid, tree: false },
      { name: 'load generator (child)', pid: load.pid, tree: false },
      { name: 'kafka', pid: stack.servicePids.kafka, tree: true },
      { name: 'clickhouse', pid: stack.servicePids.clickhouse, tree: true },
      { name: 'postgres (all backends)', pid: stack.servicePids.postgres, tree: true },
    ]);
    const loadStarted = performance.now();
    probe.start();
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        processes.sample();
        await Promise.all([pipeline.sample().catch(() => {}), sleep(1000)]);
      }
    })();
    const loaded = await load.result;
    const freshness = await probe.stop(10_000);
    o.log(
      `bench: load done, ${loaded.acceptedEvents.toLocaleString('en')} events accepted; waiting for ClickHouse to hold them all`,
    );

    // Drain: until every accepted distinct id is visible, or a bounded wait.
    const expected = loaded.distinctAcceptedIds + freshness.markersAccepted;
    const siteIds = stack.sites.map((s) => s.siteId);
    let visible = 0;
    const drainDeadline = performance.now() + Math.max(60_000, o.durationS * 2000);
    while (performance.now() < drainDeadline) {
      visible = await distinctIds(clickhouse, siteIds);
      if (visible >= expected) break;
      await sleep(200);
    }
    const e2eSeconds = (performance.now() - loadStarted) / 1000;
    await sleep(1000);
    visible = await distinctIds(clickhouse, siteIds);
    sampling = false;
    await sampler;
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

    const points = pipeline.points;
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
        seed_events: o.seedEvents,
      },
      e2e_events_per_s: visible / e2eSeconds,
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
      processes: processes.summary(),
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

async function distinctIds(clickhouse: ReturnType<typeof createClickHouse>, siteIds: string[]): Promise<number> {
  const result = await clickhouse.query({
    query: 'SELECT uniqExact(event_id) AS n FROM events WHERE site_id IN {sites:Array(String)}',
    query_params: { sites: siteIds },
    format: 'JSONEachRow',
  });
  const [row] = await result.json<{ n: string }>();
  return Number(row?.n ?? 0);
}
