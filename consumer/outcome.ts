/**
 * What became of one event of a Kafka record: a row to insert, or a dead letter with the
 * reason. Outcomes are values, not exceptions (PostHog ingestion style): one bad event never
 * stops its record, its batch or its partition.
 */
import type { RecordFacts } from '../lib/wire/index.js';
import type { EventRow } from './event-row.js';

/** Where a record came from. One object per record, shared by the outcomes of its events. */
export interface SourcePosition {
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
}

/**
 * Why the consumer gave up on a message:
 * - `invalid_json`: the value is not JSON;
 * - `invalid_message`: JSON, but not a usable `events.raw` value (version, required fields),
 *   or one event of a v2 record that is not usable (its neighbours still load);
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
  | {
      kind: 'row';
      row: EventRow;
      source: SourcePosition;
      /** v2 records: the event's request facts and the event as parsed, to dead-letter it alone. */
      facts?: RecordFacts;
      event?: unknown;
    }
  | {
      kind: 'dlq';
      reason: DeadLetterReason;
      source: SourcePosition;
      /** The dead letter's value when it is not the whole record (one event, or one request, of a v2 record). */
      value?: string;
    };
