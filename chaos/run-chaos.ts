/**
 * One fault run, start to finish, bounded in time: a private stack (bench/stack.ts: the
 * embedded services and the api and consumer as processes of their own, on 127.0.0.1),
 * steady traffic retried like the SDK retries, hostile requests with canaries, slow
 * clients, then Kafka, ClickHouse and Postgres killed and started again and the consumer
 * killed, one after the other; then the drain and the exact comparison, and everything it
 * started is stopped.
 */
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { percentilesOf } from '../bench/percentiles.js';
import { readProcess } from '../bench/process-stats.js';
import { startBenchStack } from '../bench/stack.js';
import { createTraffic } from '../bench/traffic.js';
import { readDeadLetters } from '../consumer/dead-letter-reader.js';
import { buildOptionsFromConfig } from '../etl/build-options.js';
import { ETL_CLICKHOUSE_SETTINGS } from '../etl/clickhouse-settings.js';
import { resolveApiLimits } from '../api/limits.js';
import { clickhouseTarget, createClickHouse } from '../lib/clickhouse.js';
import { createKafka } from '../lib/kafka.js';
import { createPgPool } from '../lib/postgres.js';
import { waitUntilCaughtUp } from './backlog.js';
import { type FaultName, type FaultRecord, runFault } from './faults.js';
import { startHostileTraffic } from './hostile-requests.js';
import { startProcessWatch } from './process-watch.js';
import { compare, storedIds } from './ledger.js';
import { countWarnLines } from './log-lines.js';
import type { ChaosReport } from './report.js';
import { startRetryingClient } from './retrying-client.js';
import { startSlowClients } from './slow-clients.js';

export interface ChaosOptions {
  dataDir: string;
  durationS: number;
  requestsPerS: number;
  eventsPerRequest: number;
  log: (message: string) => void;
}

const FAULTS: FaultName[] = ['kafka', 'clickhouse', 'postgres', 'consumer'];
const RECOVERY_TARGET_MS = 10_000;

export async function runChaos(o: ChaosOptions): Promise<ChaosReport> {
  const loadBefore = os.loadavg();
  o.log(`chaos: starting a private stack in ${o.dataDir}`);
  const stack = await startBenchStack({
    dataDir: o.dataDir,
    siteCount: 5,
    log: o.log,
    env: { LOG_LEVEL: 'warn' },
    roleLogDir: path.join(o.dataDir, 'logs'),
  });
  const { config, endpoints } = stack;
  const [hostileSite, canarySite] = [stack.sites[3]!, stack.sites[4]!];
  const loadSites = stack.sites.slice(0, 3);
  const clickhouse = createClickHouse(
    clickhouseTarget(config, endpoints, { requestTimeoutMs: config.etl.queryTimeoutMs }),
    ETL_CLICKHOUSE_SETTINGS,
  );
  const kafka = createKafka({ brokers: endpoints.kafkaBrokers, clientId: 'chaos' });
  const pgPool = createPgPool(endpoints.databaseUrl, () => {}, 4);
  const limits = resolveApiLimits(config.api.limits);
  const outageMs = Math.min(20_000, Math.max(8000, (o.durationS * 1000) / 8));
  // What runs in the background; stopped in `finally` too, so a failed run leaves no traffic
  // going (a stray run once went on posting, and restarting services, in the next run's dir).
  const stops: Array<() => unknown> = [];
  try {
    await sleep(3000);
    const apiIdleMb = (readProcess({ name: 'api', pid: stack.rolePids.api, tree: false })?.rssBytes ?? 0) / 2 ** 20;
    const epoch = performance.now();
    const wallEpoch = Date.now();
    const watch = startProcessWatch({
      apiPid: () => stack.rolePids.api,
      consumerPid: () => stack.rolePids.consumer,
      apiMetricsUrl: `http://${config.api.metricsHost}:${config.api.metricsPort}/metrics`,
      epoch,
    });
    stops.push(() => watch.stop());

    let fiveXx = 0;
    const onAnswer = (status: number) => {
      if (status >= 500 && status !== 503) fiveXx++;
    };
    o.log(`chaos: ${o.requestsPerS} requests/s × ${o.eventsPerRequest} events for ${o.durationS} s, with faults`);
    const client = startRetryingClient({
      url: stack.apiUrl,
      traffic: createTraffic({ sites: loadSites, seed: 11, batchSize: o.eventsPerRequest, botShare: 0 }),
      ratePerS: o.requestsPerS,
      epoch,
    });
    stops.push(() => client.stop(0));
    const hostile = startHostileTraffic({
      url: stack.apiUrl,
      hostileKey: hostileSite.key,
      canaryKey: canarySite.key,
      everyMs: 500,
      onAnswer,
    });
    stops.push(() => hostile.stop());
    await sleep(2000);
    const slow = startSlowClients(config.api.port, { silent: 300, slow_headers: 50, trickled_body: 50 });
    stops.push(() => slow.stop());
    const slowStopAt = performance.now() + config.api.http.requestTimeoutMs + 15_000;

    const faults: FaultRecord[] = [];
    const slot = (o.durationS * 1000) / FAULTS.length;
    for (const [i, name] of FAULTS.entries()) {
      const due = epoch + 5000 + i * slot;
      if (performance.now() < due) await sleep(due - performance.now());
      // Each fault starts from a caught-up consumer, so its recovery is its own.
      await waitUntilCaughtUp(kafka, {
        topic: config.kafka.topicRaw,
        groupId: config.kafka.consumerGroup,
        maxBehind: 3 * o.requestsPerS * o.eventsPerRequest,
        timeoutMs: 60_000,
      });
      o.log(`chaos: fault ${i + 1}/${FAULTS.length}: ${name}`);
      const record = await runFault(name, { stack, kafka, outageMs, epoch, log: o.log });
      faults.push(record);
      o.log(
        `chaos: ${record.what}: ${record.backlogAtEnd} records behind at its end, committed after ${record.recoveryMs === undefined ? 'timeout' : `${(record.recoveryMs / 1000).toFixed(1)} s`}`,
      );
    }
    const end = epoch + o.durationS * 1000;
    if (performance.now() < end) await sleep(end - performance.now());
    if (performance.now() < slowStopAt) await sleep(slowStopAt - performance.now());
    const slowResults = slow.stop();
    o.log('chaos: stopping the traffic (retries go on for up to 120 s), then draining');
    const [traffic, hostileResult] = await Promise.all([client.stop(120_000), hostile.stop()]);
    for (const a of traffic.attempts) onAnswer(a.status);

    const loadSiteIds = loadSites.map((s) => s.siteId);
    const drainDeadline = performance.now() + 180_000;
    while (performance.now() < drainDeadline) {
      const stored = await storedIds(clickhouse, loadSiteIds).catch(() => new Set<string>());
      if ([...traffic.accepted].every((id) => stored.has(id))) break;
      await sleep(1000);
    }
    await sleep(2000); // late duplicates (retries of timed-out sends) land too
    const points = await watch.stop();

    o.log('chaos: comparing accepted ids with ClickHouse, building the marts of the run');
    const comparison = await compare({
      clickhouse,
      pgPool,
      options: buildOptionsFromConfig(config),
      sites: loadSiteIds,
      accepted: traffic.accepted,
      givenUp: traffic.givenUp,
      from: new Date(wallEpoch - 3_600_000),
      to: new Date(),
    });
    const canaryRows = await (
      await clickhouse.query({
        query:
          'SELECT toString(event_id) AS id, toUnixTimestamp64Milli(min(inserted_at)) AS at FROM events WHERE site_id = {site:String} GROUP BY id',
        query_params: { site: canarySite.siteId },
        format: 'JSONEachRow',
      })
    ).json<{ id: string; at: string }>();
    const visibleAt = new Map(canaryRows.map((r) => [r.id, Number(r.at)]));
    let wedges = 0;
    let maxDelay = 0;
    for (const [id, acceptedAt] of hostileResult.canaries) {
      const at = visibleAt.get(id);
      if (at === undefined) wedges++;
      else maxDelay = Math.max(maxDelay, (at - acceptedAt) / 1000);
    }
    const hostileStored = await storedIds(clickhouse, [hostileSite.siteId]);
    let deadLettered = 0;
    await readDeadLetters(kafka, config.kafka.topicDlq, { visit: () => void deadLettered++ });

    const kafkaFault = faults.find((f) => f.name === 'kafka')!;
    const kafkaWindow = { from: kafkaFault.startedAt, to: kafkaFault.endedAt + (kafkaFault.recoveryMs ?? 0) + 5000 };
    const inKafkaWindow = (at: number) => at >= kafkaWindow.from && at < kafkaWindow.to;
    const answered = traffic.attempts.filter((a) => a.status > 0);
    const statuses: Record<string, number> = {};
    const refusals: Record<string, number> = {};
    for (const a of traffic.attempts) {
      statuses[a.status] = (statuses[a.status] ?? 0) + 1;
      if (a.status === 503) refusals[a.code ?? 'none'] = (refusals[a.code ?? 'none'] ?? 0) + 1;
    }
    const warn = countWarnLines(path.join(o.dataDir, 'logs', 'api.log'), {
      from: wallEpoch + kafkaWindow.from,
      to: wallEpoch + kafkaWindow.to,
    });
    const during = points.filter((p) => inKafkaWindow(p.at));
    const max = (values: number[]) => Math.max(0, ...values.filter(Number.isFinite));
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
    const report: ChaosReport = {
      machine: {
        cpus: os.cpus().length,
        node: process.version,
        loadavg_before: loadBefore,
        loadavg_max_1m: max([loadBefore[0]!, ...points.map((p) => p.loadavg1m)]),
        loadavg_after: os.loadavg(),
      },
      settings: {
        duration_s: o.durationS,
        requests_per_s: o.requestsPerS,
        events_per_request: o.eventsPerRequest,
        outage_s: outageMs / 1000,
      },
      traffic: {
        requests: traffic.requests,
        attempts: traffic.attempts.length,
        retried_requests: traffic.retried,
        given_up_events: traffic.givenUp.size,
      },
      comparison,
      statuses,
      refusals,
      five_xx_not_503: fiveXx,
      canaries: {
        posted: hostileResult.canariesPosted,
        accepted: hostileResult.canaries.size,
        visible: hostileResult.canaries.size - wedges,
        max_delay_s: maxDelay,
      },
      wedges,
      hostile: {
        requests: hostileResult.requests,
        statuses: hostileResult.statuses,
        accepted: hostileResult.acceptedIds.length,
        stored: hostileResult.acceptedIds.filter((id) => hostileStored.has(id)).length,
        dead_lettered: deadLettered,
      },
      slow_clients: slowResults.map((r) => ({
        ...r,
        limit_s:
          (r.kind === 'trickled_body' ? config.api.http.requestTimeoutMs : config.api.http.headersTimeoutMs) / 1000,
      })),
      latency: {
        all: percentilesOf(answered.map((a) => a.ms)),
        kafka_fault: percentilesOf(answered.filter((a) => inKafkaWindow(a.at)).map((a) => a.ms)),
      },
      slowest: [...answered].sort((a, b) => b.ms - a.ms).slice(0, 30),
      produce_timeout_ms: limits.produceTimeoutMs,
      rss_mb: {
        api_idle: apiIdleMb,
        api_max: max(points.map((p) => p.apiRssMb)),
        api_max_kafka_fault: max(during.map((p) => p.apiRssMb)),
        consumer_max: max(points.map((p) => p.consumerRssMb)),
      },
      api_rss_series: points
        .filter((_, i) => i % 10 === 0)
        .map((p): [number, number] => [Math.round(p.at / 1000), Math.round(p.apiRssMb)]),
      cpu_pct: {
        api_mean: mean(points.map((p) => p.apiCpuPct)),
        api_max: max(points.map((p) => p.apiCpuPct)),
        consumer_mean: mean(points.map((p) => p.consumerCpuPct)),
      },
      generator_loop_delay_max_ms: max(points.map((p) => p.selfLoopDelayMaxMs)),
      api_loop_delay_max_ms: {
        all: max(points.map((p) => p.apiLoopDelayMaxMs)),
        kafka_fault: max(during.map((p) => p.apiLoopDelayMaxMs)),
      },
      faults,
      api_warn_lines: { total: warn.total, kafka_fault: warn.inWindow },
      ok: false,
      failures: [],
      targets_missed: [],
    };
    judge(report);
    return report;
  } finally {
    await Promise.allSettled(stops.map(async (stop) => stop()));
    await pgPool.end().catch(() => {});
    await clickhouse.close().catch(() => {});
    o.log('chaos: stopping the stack');
    await stack.stop();
  }
}

/** Fills `ok`, `failures` (correctness: the exit code) and `targets_missed` (timing). */
function judge(r: ChaosReport): void {
  const c = r.comparison;
  if (c.lost > 0) r.failures.push(`${c.lost} accepted events lost`);
  if (c.extra > 0) r.failures.push(`${c.extra} events stored that were never accepted nor in doubt`);
  if (c.distinct !== c.accepted + c.inDoubtStored) r.failures.push('distinct stored ids differ from the accepted ones');
  if (c.final !== c.distinct) r.failures.push(`FINAL shows ${c.final} rows for ${c.distinct} events`);
  if (c.martSessionsEvents !== c.distinct)
    r.failures.push(`mart_sessions counts ${c.martSessionsEvents} events, not ${c.distinct}`);
  if (c.martTrafficExactEvents !== c.storedBeforeCutoff)
    r.failures.push(
      `mart_traffic_hourly (exact) counts ${c.martTrafficExactEvents} events, not ${c.storedBeforeCutoff}`,
    );
  if (r.wedges > 0) r.failures.push(`${r.wedges} canaries never arrived (wedged)`);
  if (r.five_xx_not_503 > 0) r.failures.push(`${r.five_xx_not_503} answers 5xx other than 503`);
  if (r.hostile.stored + r.hostile.dead_lettered < r.hostile.accepted)
    r.failures.push('accepted hostile events neither stored nor dead-lettered');
  for (const sc of r.slow_clients)
    if (sc.cut < sc.opened) r.failures.push(`${sc.opened - sc.cut} ${sc.kind} clients never cut`);
  r.ok = r.failures.length === 0;

  const bound = r.produce_timeout_ms + 500;
  if (r.latency.kafka_fault.max > bound)
    r.targets_missed.push(
      `max latency through the Kafka fault ${r.latency.kafka_fault.max.toFixed(0)} ms > ${bound} ms`,
    );
  if (r.rss_mb.api_max > 1.5 * r.rss_mb.api_idle)
    r.targets_missed.push(`api RSS ${r.rss_mb.api_max.toFixed(0)} MB > 1.5 × idle ${r.rss_mb.api_idle.toFixed(0)} MB`);
  for (const f of r.faults) {
    if (f.recoveryMs === undefined || f.recoveryMs > RECOVERY_TARGET_MS)
      r.targets_missed.push(
        `recovery after "${f.what}" ${f.recoveryMs === undefined ? 'not seen' : `${(f.recoveryMs / 1000).toFixed(1)} s`} > 10 s`,
      );
  }
  for (const sc of r.slow_clients)
    if (sc.maxCutS > sc.limit_s + 2)
      r.targets_missed.push(`${sc.kind} cut after ${sc.maxCutS.toFixed(1)} s > ${sc.limit_s} s`);
}
