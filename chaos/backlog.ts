/**
 * How long the consumer takes to catch up after a fault: from the moment the fault ends
 * (the service is back, the consumer restarted), until every record that was on the topic
 * at that moment is committed by the consumer group. Under steady load "lag = 0" is never
 * true for more than an instant (new records keep coming); "the backlog of the fault is
 * gone" is the same promise, measurable exactly.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka } from 'kafkajs';

export type Offsets = Map<number, bigint>;

async function withAdmin<T>(kafka: Kafka, fn: (admin: ReturnType<Kafka['admin']>) => Promise<T>): Promise<T> {
  const admin = kafka.admin({ retry: { retries: 0 } });
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

/** The end of each partition of `topic` now. */
export function topicEnds(kafka: Kafka, topic: string): Promise<Offsets> {
  return withAdmin(kafka, async (admin) => {
    const ends = await admin.fetchTopicOffsets(topic);
    return new Map(ends.map((p) => [p.partition, BigInt(p.high)]));
  });
}

/** The group's committed offset of each partition (0 when none). */
export function committedOffsets(kafka: Kafka, topic: string, groupId: string): Promise<Offsets> {
  return withAdmin(kafka, async (admin) => {
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return new Map((committed?.partitions ?? []).map((p) => [p.partition, BigInt(Math.max(0, Number(p.offset)))]));
  });
}

/** Records of `ends` not yet committed. */
export function behind(ends: Offsets, committed: Offsets): number {
  let n = 0n;
  for (const [partition, end] of ends) {
    const done = committed.get(partition) ?? 0n;
    if (end > done) n += end - done;
  }
  return Number(n);
}

/**
 * Polls until the group has committed everything up to `ends`; resolves with the ms it
 * took from `since`, or undefined after `timeoutMs`.
 */
export async function waitUntilCommitted(
  kafka: Kafka,
  o: { topic: string; groupId: string; ends: Offsets; since: number; timeoutMs: number },
): Promise<number | undefined> {
  const deadline = o.since + o.timeoutMs;
  while (performance.now() < deadline) {
    const committed = await committedOffsets(kafka, o.topic, o.groupId).catch(() => undefined);
    if (committed && behind(o.ends, committed) === 0) return performance.now() - o.since;
    await sleep(250);
  }
  return undefined;
}

/** Polls until at most `maxBehind` records are not committed (the consumer is caught up), or `timeoutMs`. */
export async function waitUntilCaughtUp(
  kafka: Kafka,
  o: { topic: string; groupId: string; maxBehind: number; timeoutMs: number },
): Promise<number> {
  const deadline = performance.now() + o.timeoutMs;
  let last = Number.POSITIVE_INFINITY;
  while (performance.now() < deadline) {
    const [ends, committed] = await Promise.all([
      topicEnds(kafka, o.topic),
      committedOffsets(kafka, o.topic, o.groupId),
    ]).catch(() => [undefined, undefined] as const);
    if (ends && committed) {
      last = behind(ends, committed);
      if (last <= o.maxBehind) return last;
    }
    await sleep(500);
  }
  return last;
}
