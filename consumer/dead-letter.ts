/**
 * A dead letter: a record the consumer could not load, or one event of a v2 record (kept as
 * a v2 record holding that event alone), written to the dead-letter topic (events.dlq, the
 * DLQ) with the key and bytes, where it came from, and why, so `clickstream dlq replay` can
 * re-publish it once the cause is fixed.
 *
 * The reason is a value, `{code, detail}`: `code` comes from a fixed list (it labels the
 * `clickstream_consumer_dlq_total` metric and is what tools branch on), `detail` is for
 * people. On the record it is two headers: `x-dlq-reason-code` (the code) and
 * `x-dlq-reason` (`"<code>: <detail>"`, the one header records had before codes existed,
 * kept in that form so older readers still show it). Records written before the code
 * header are read by parsing that header ({@link decodeReason}).
 */
import type { Producer } from 'kafkajs';
import type { DeadLetterReason, SourcePosition } from './outcome.js';

export const DLQ_HEADERS = {
  reason: 'x-dlq-reason',
  reasonCode: 'x-dlq-reason-code',
  topic: 'x-source-topic',
  partition: 'x-source-partition',
  offset: 'x-source-offset',
  failedAt: 'x-failed-at',
} as const;

/** A reason as read back: records from other versions or producers may carry any code. */
export interface StoredReason {
  code: string;
  detail: string;
}

/** The longest `x-dlq-reason` header written; a ClickHouse message can quote a whole row. */
const MAX_REASON_CHARS = 2000;

/** The headers that carry `reason`. */
export function encodeReason({ code, detail }: DeadLetterReason): Record<string, string> {
  return {
    [DLQ_HEADERS.reasonCode]: code,
    [DLQ_HEADERS.reason]: `${code}: ${detail}`.slice(0, MAX_REASON_CHARS),
  };
}

/**
 * The reason of a record from its two header values (undefined when absent). Without the
 * code header (records written before it existed) the reason header is parsed: `"code:
 * detail"`, where ClickHouse rejections were written as `"clickhouse <n>: <message>"`.
 */
export function decodeReason(codeHeader: string | undefined, reasonHeader: string | undefined): StoredReason {
  const reason = reasonHeader ?? '';
  if (codeHeader) {
    const prefix = `${codeHeader}: `;
    return { code: codeHeader, detail: reason.startsWith(prefix) ? reason.slice(prefix.length) : reason };
  }
  const clickhouse = /^clickhouse (\d+): ([\s\S]*)$/.exec(reason);
  if (clickhouse) return { code: 'clickhouse_rejected', detail: clickHouseDetail(clickhouse[1]!, clickhouse[2]!) };
  const coded = /^([a-z][a-z0-9_]*): ([\s\S]*)$/.exec(reason);
  if (coded) return { code: coded[1]!, detail: coded[2]! };
  return { code: 'unknown', detail: reason };
}

/** The detail of a `clickhouse_rejected` reason. */
export function clickHouseDetail(errorCode: string, message: string): string {
  return `ClickHouse error ${errorCode}: ${message}`;
}

/** A message to send to the DLQ. */
export interface DeadLetter {
  reason: DeadLetterReason;
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
        ...encodeReason(reason),
        [DLQ_HEADERS.topic]: sourceTopic,
        [DLQ_HEADERS.partition]: String(source.partition),
        [DLQ_HEADERS.offset]: source.offset,
        [DLQ_HEADERS.failedAt]: failedAt,
      },
    })),
  });
}
