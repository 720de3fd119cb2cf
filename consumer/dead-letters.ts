/**
 * The dead-letter topic (events.dlq): messages the consumer could not load, with the
 * reason, the original bytes and where they came from, so `clickstream dlq replay` can
 * re-publish them once the cause is fixed.
 */
import type { Producer } from 'kafkajs';
import type { SourcePosition } from './outcome.js';

export const DLQ_HEADERS = {
  reason: 'x-dlq-reason',
  topic: 'x-source-topic',
  partition: 'x-source-partition',
  offset: 'x-source-offset',
  failedAt: 'x-failed-at',
} as const;

export interface DeadLetter {
  reason: string;
  source: SourcePosition;
  /** The value to keep when it is not the whole source record (one event of a v2 record). */
  value?: string;
}

/** Writes dead letters (acks=all); throws if Kafka does not take them, so nothing is committed. */
export async function sendDeadLetters(
  producer: Producer,
  dlqTopic: string,
  sourceTopic: string,
  letters: DeadLetter[],
): Promise<void> {
  if (letters.length === 0) return;
  const failedAt = new Date().toISOString();
  await producer.send({
    topic: dlqTopic,
    acks: -1,
    messages: letters.map(({ reason, source, value }) => ({
      key: source.key,
      value: value ?? source.value,
      headers: {
        [DLQ_HEADERS.reason]: reason.slice(0, 2000),
        [DLQ_HEADERS.topic]: sourceTopic,
        [DLQ_HEADERS.partition]: String(source.partition),
        [DLQ_HEADERS.offset]: source.offset,
        [DLQ_HEADERS.failedAt]: failedAt,
      },
    })),
  });
}
