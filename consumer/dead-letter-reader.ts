/**
 * Reads the dead-letter topic from the start up to its current end, for `clickstream dlq
 * list` and `dlq replay`. Uses a throwaway consumer group (deleted afterwards), so reading
 * never moves anyone's committed offsets.
 */
import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { DLQ_HEADERS, decodeReason, type StoredReason } from './dead-letter.js';

export interface DeadLetterRecord {
  partition: number;
  offset: string;
  /** When the consumer gave up on it (header), else the Kafka timestamp. */
  failedAt: Date;
  reason: StoredReason;
  sourceTopic: string;
  sourcePartition: string;
  sourceOffset: string;
  key: Buffer | null;
  value: Buffer | null;
}

const header = (headers: Record<string, unknown> | undefined, name: string): string => {
  const value = headers?.[name];
  return value === undefined ? '' : Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
};

/** The reason of a record, from this version's headers or an older record's one header. */
function reasonOf(headers: Record<string, unknown> | undefined): StoredReason {
  return decodeReason(header(headers, DLQ_HEADERS.reasonCode) || undefined, header(headers, DLQ_HEADERS.reason));
}

/** Calls `visit` for every dead letter at or after `since`, in offset order per partition. */
export async function readDeadLetters(
  kafka: Kafka,
  topic: string,
  { since, visit }: { since?: Date; visit: (record: DeadLetterRecord) => Promise<void> | void },
): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `clickstream-dlq-reader-${randomUUID()}`;
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    const remaining = new Map(
      ends.filter((p) => BigInt(p.high) > BigInt(p.low)).map((p) => [p.partition, BigInt(p.high)]),
    );
    if (remaining.size === 0) return 0;
    let seen = 0;
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        consumer
          .run({
            autoCommit: false,
            eachBatch: async ({ batch }) => {
              const end = remaining.get(batch.partition);
              for (const m of batch.messages) {
                if (end === undefined || BigInt(m.offset) >= end) break;
                const failedAtHeader = header(m.headers, DLQ_HEADERS.failedAt);
                const failedAt = new Date(failedAtHeader || Number(m.timestamp));
                if (!since || failedAt >= since) {
                  seen++;
                  await visit({
                    partition: batch.partition,
                    offset: m.offset,
                    failedAt,
                    reason: reasonOf(m.headers),
                    sourceTopic: header(m.headers, DLQ_HEADERS.topic),
                    sourcePartition: header(m.headers, DLQ_HEADERS.partition),
                    sourceOffset: header(m.headers, DLQ_HEADERS.offset),
                    key: m.key,
                    value: m.value,
                  });
                }
                if (BigInt(m.offset) + 1n >= end!) remaining.delete(batch.partition);
              }
              if (remaining.size === 0) resolve();
            },
          })
          .catch(reject);
      });
    } finally {
      await consumer.disconnect();
    }
    await admin.deleteGroups([groupId]).catch(() => {});
    return seen;
  } finally {
    await admin.disconnect();
  }
}
