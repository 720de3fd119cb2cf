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
      reason: string;
      source: SourcePosition;
      /** The dead letter's value when it is not the whole record (one event, or one request, of a v2 record). */
      value?: string;
    };
