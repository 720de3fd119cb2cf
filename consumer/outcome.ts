/**
 * What became of one Kafka message: a row to insert, or a dead letter with the reason.
 * Outcomes are values, not exceptions (PostHog ingestion style): one bad message never
 * stops its batch.
 */
import type { EventRow } from './event-row.js';

export interface SourcePosition {
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
}

/**
 * Why the consumer gave up on a message:
 * - `invalid_json`: the value is not JSON;
 * - `invalid_message`: JSON, but not a usable `events.raw` value (version, required fields);
 * - `clickhouse_rejected`: ClickHouse refused the row for its content (a value it cannot
 *   parse or hold); the detail names the server's error code.
 */
export type DeadLetterCode = 'invalid_json' | 'invalid_message' | 'clickhouse_rejected';

/** A dead letter's reason: `code` labels the metric and is what tools branch on, `detail` is for people. */
export interface DeadLetterReason {
  code: DeadLetterCode;
  detail: string;
}

export type MessageOutcome =
  | { kind: 'row'; row: EventRow; source: SourcePosition }
  | { kind: 'dlq'; reason: DeadLetterReason; source: SourcePosition };
