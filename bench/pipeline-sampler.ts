/**
 * Samples the loader once a second: rows in `clickstream.events` (so rows/s inserted) and
 * consumer lag, i.e. messages on the topic not yet committed by the consumer group.
 */
import type { Kafka } from 'kafkajs';
import type { ClickHouseClient } from '../lib/clickhouse.js';

export interface PipelinePoint {
  /** Seconds since the sampler started. */
  t: number;
  rows: number;
  rowsPerS: number;
  lag: number;
}

/** Messages behind: sum over partitions of (high watermark - committed offset). */
export async function groupLag(kafka: Kafka, topic: string, groupId: string): Promise<{ lag: number; end: number }> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [ends, [committed]] = await Promise.all([
      admin.fetchTopicOffsets(topic),
      admin.fetchOffsets({ groupId, topics: [topic] }),
    ]);
    const done = new Map((committed?.partitions ?? []).map((p) => [p.partition, Math.max(0, Number(p.offset))]));
    let lag = 0;
    let end = 0;
    for (const p of ends) {
      end += Number(p.high);
      lag += Number(p.high) - (done.get(p.partition) ?? 0);
    }
    return { lag, end };
  } finally {
    await admin.disconnect();
  }
}

export async function countRows(clickhouse: ClickHouseClient, table = 'events'): Promise<number> {
  const result = await clickhouse.query({ query: `SELECT count() AS n FROM ${table}`, format: 'JSONEachRow' });
  const [row] = await result.json<{ n: string }>();
  return Number(row?.n ?? 0);
}

export function createPipelineSampler(deps: {
  clickhouse: ClickHouseClient;
  kafka: Kafka;
  topic: string;
  groupId: string;
}) {
  const points: PipelinePoint[] = [];
  const started = performance.now();
  let previous: { at: number; rows: number } | undefined;
  return {
    points,
    async sample(): Promise<void> {
      const [rows, { lag }] = await Promise.all([
        countRows(deps.clickhouse),
        groupLag(deps.kafka, deps.topic, deps.groupId),
      ]);
      const at = performance.now();
      const rowsPerS = previous ? ((rows - previous.rows) * 1000) / (at - previous.at) : 0;
      previous = { at, rows };
      points.push({ t: Math.round((at - started) / 100) / 10, rows, rowsPerS: Math.round(rowsPerS), lag });
    },
  };
}
