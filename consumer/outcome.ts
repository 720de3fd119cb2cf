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
 * - `clickhouse_rejected`: ClickHouse refused the row (a value it cannot parse or hold, or
 *   an error of unknown kind that kept failing on this row alone); the detail names the
 *   server's error code;
 * - `insert_error`: inserting the row kept failing with an error that is not a ClickHouse
 *   answer (see insert-errors.ts), isolated to this row.
 */
export type DeadLetterCode = 'invalid_json' | 'invalid_message' | 'clickhouse_rejected' | 'insert_error';

/** A dead letter's reason: `code` labels the metric and is what tools branch on, `detail` is for people. */
export interface DeadLetterReason {
  code: DeadLetterCode;
  detail: string;
}

export type MessageOutcome =
  | { kind: 'row'; row: EventRow; source: SourcePosition }
  | { kind: 'dlq'; reason: DeadLetterReason; source: SourcePosition };
