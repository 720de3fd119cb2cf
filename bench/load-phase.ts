/**
 * One load phase of a bench run: traffic from the load-generator child, marker events for
 * freshness, and once a second the consumer's progress and every process's CPU and memory;
 * then a bounded wait until ClickHouse holds every event the phase got accepted.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka } from 'kafkajs';
import type { ClickHouseClient } from '../lib/clickhouse.js';
import { createFreshnessProbe, type FreshnessResult } from './freshness.js';
import { type LoadChildArgs, startLoadChild } from './load-child.js';
import type { LoadResult } from './load-driver.js';
import { createPipelineSampler, type PipelinePoint } from './pipeline-sampler.js';
import { createProcessSampler, type ProcessSummary } from './process-stats.js';
import type { BenchStack } from './stack.js';

export interface PhaseResult {
  loaded: LoadResult;
  freshness: FreshnessResult;
  processes: ProcessSummary[];
  points: PipelinePoint[];
  /** performance.now() when the first POST went out. */
  startedAt: number;
}

/** Runs the load and the samplers until the load ends (markers: up to 10 s more). */
export async function runLoadPhase(o: {
  stack: BenchStack;
  clickhouse: ClickHouseClient;
  kafka: Kafka;
  load: LoadChildArgs;
}): Promise<PhaseResult> {
  const { stack } = o;
  const markerSite = stack.sites[0]!;
  const probe = createFreshnessProbe({
    apiUrl: stack.apiUrl,
    key: markerSite.key,
    siteId: markerSite.siteId,
    clickhouse: o.clickhouse,
  });
  const pipeline = createPipelineSampler({
    clickhouse: o.clickhouse,
    kafka: o.kafka,
    topic: stack.config.kafka.topicRaw,
    groupId: stack.config.kafka.consumerGroup,
  });
  const child = startLoadChild(o.load);
  const processes = createProcessSampler([
    { name: 'api', pid: stack.rolePids.api, tree: false },
    { name: 'consumer', pid: stack.rolePids.consumer, tree: false },
    { name: 'bench process (freshness probe, samplers)', pid: process.pid, tree: false },
    { name: 'load generator (child)', pid: child.pid, tree: false },
    { name: 'kafka', pid: stack.servicePids.kafka, tree: true },
    { name: 'clickhouse', pid: stack.servicePids.clickhouse, tree: true },
    { name: 'postgres (all backends)', pid: stack.servicePids.postgres, tree: true },
  ]);
  const startedAt = performance.now();
  probe.start();
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      processes.sample();
      await Promise.all([pipeline.sample().catch(() => {}), sleep(1000)]);
    }
  })();
  try {
    const loaded = await child.result;
    const freshness = await probe.stop(10_000);
    return { loaded, freshness, processes: processes.summary(), points: pipeline.points, startedAt };
  } finally {
    sampling = false;
    await sampler;
  }
}

/** Distinct event ids of the sites visible in `events`. */
export async function distinctIds(clickhouse: ClickHouseClient, siteIds: string[]): Promise<number> {
  const result = await clickhouse.query({
    query: 'SELECT uniqExact(event_id) AS n FROM events WHERE site_id IN {sites:Array(String)}',
    query_params: { sites: siteIds },
    format: 'JSONEachRow',
  });
  const [row] = await result.json<{ n: string }>();
  return Number(row?.n ?? 0);
}

/** Polls until `expected` distinct ids are visible or `timeoutMs` passes; returns when it stopped and what it saw. */
export async function drain(
  clickhouse: ClickHouseClient,
  siteIds: string[],
  expected: number,
  timeoutMs: number,
): Promise<{ visible: number; at: number }> {
  const deadline = performance.now() + timeoutMs;
  let visible = 0;
  while (performance.now() < deadline) {
    visible = await distinctIds(clickhouse, siteIds);
    if (visible >= expected) break;
    await sleep(200);
  }
  return { visible, at: performance.now() };
}
