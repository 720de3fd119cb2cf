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

export type MessageOutcome =
  | { kind: 'row'; row: EventRow; source: SourcePosition }
  | { kind: 'dlq'; reason: string; source: SourcePosition };
