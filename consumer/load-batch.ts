/**
 * Loads one flushed batch: rows into ClickHouse, bad messages into the DLQ. Retries the
 * ClickHouse insert while the server is unreachable (capped backoff, no busy loop); only
 * when this resolves may the caller commit the batch's offsets.
 */
import type { Producer } from 'kafkajs';
import type { ClickHouseClient } from '../lib/clickhouse.js';
import type { Logger } from '../lib/logger.js';
import { retryWithBackoff } from '../lib/retry.js';
import { type RequestFactsV2, singleEventRecord } from '../lib/wire/index.js';
import { type DeadLetter, sendDeadLetters } from './dead-letters.js';
import { EVENT_NATIVE_COLUMNS, type EventRow } from './event-row.js';
import { classifyInsertError } from './insert-errors.js';
import { insertRows } from './insert-rows.js';
import type { ConsumerMetrics } from './metrics.js';
import type { MessageOutcome } from './outcome.js';

export interface LoadBatchDeps {
  clickhouse: ClickHouseClient;
  producer: Producer;
  table: string;
  sourceTopic: string;
  dlqTopic: string;
  metrics: ConsumerMetrics;
  logger: Logger;
  /** Aborted on shutdown: stop retrying, commit nothing. */
  signal: AbortSignal;
  /**
   * Failures of unknown kind (see insert-errors.ts) after which the batch is split and the
   * rows that still fail are dead-lettered, so an unforeseen error cannot stop the partition.
   */
  unknownErrorTries?: number;
}

/**
 * A token naming exactly this batch's offsets: the same range retried (after a timeout
 * whose insert did land) is dropped by ClickHouse instead of loaded twice.
 */
export function dedupToken(outcomes: MessageOutcome[]): string {
  const ranges = new Map<number, { first: bigint; last: bigint }>();
  for (const { source } of outcomes) {
    const offset = BigInt(source.offset);
    const range = ranges.get(source.partition);
    if (!range) ranges.set(source.partition, { first: offset, last: offset });
    else {
      if (offset < range.first) range.first = offset;
      if (offset > range.last) range.last = offset;
    }
  }
  return [...ranges.entries()]
    .sort(([a], [b]) => a - b)
    .map(([p, r]) => `${p}:${r.first}-${r.last}`)
    .join(',');
}

export function createBatchLoader(deps: LoadBatchDeps) {
  const { clickhouse, producer, metrics, logger, signal, unknownErrorTries = 3 } = deps;
  return async function loadBatch(outcomes: MessageOutcome[]): Promise<void> {
    const rows: EventRow[] = [];
    const letters: DeadLetter[] = [];
    for (const outcome of outcomes) {
      if (outcome.kind === 'row') rows.push(outcome.row);
      else letters.push(outcome);
    }
    const token = dedupToken(outcomes);
    const started = performance.now();
    let unknownFailures = 0;
    const result = await retryWithBackoff(
      () =>
        insertRows(clickhouse, deps.table, EVENT_NATIVE_COLUMNS, rows, token, {
          bisectUnknown: unknownFailures >= unknownErrorTries,
        }),
      {
        signal,
        baseMs: 500,
        maxMs: 15_000,
        onError: (error, attempt, delayMs) => {
          const kind = classifyInsertError(error);
          if (kind === 'unknown') unknownFailures++;
          metrics.insertFailures.inc({ kind });
          logger.warn(
            { err: error, kind, attempt, retryInMs: Math.round(delayMs), rows: rows.length },
            'insert_failed_retrying',
          );
        },
      },
    );
    metrics.insertSeconds.observe((performance.now() - started) / 1000);
    if (result.rejected.length > 0) {
      // Rare: only rows ClickHouse refused need their Kafka source (for the original bytes).
      const outcomeOf = new Map(outcomes.flatMap((o) => (o.kind === 'row' ? [[o.row, o] as const] : [])));
      for (const { row, reason } of result.rejected) {
        const o = outcomeOf.get(row)!;
        // One event of a v2 record goes to the DLQ alone; a v1 record is one event already.
        const value = o.facts ? singleEventRecord(o.facts as RequestFactsV2, o.event) : undefined;
        letters.push(value === undefined ? { reason, source: o.source } : { reason, source: o.source, value });
      }
    }

    await retryWithBackoff(() => sendDeadLetters(producer, deps.dlqTopic, deps.sourceTopic, letters), {
      signal,
      onError: (error, attempt) =>
        logger.warn({ err: error, attempt, letters: letters.length }, 'dlq_send_failed_retrying'),
    });
    for (const letter of letters) metrics.dlq.inc({ reason: letter.reason.split(':')[0]!.slice(0, 40) });

    metrics.rowsInserted.inc(result.inserted);
    metrics.batchRows.observe(rows.length);
    metrics.lastInsertAt = Date.now();
    metrics.lastInsert.set(metrics.lastInsertAt / 1000);
    logger.debug({ rows: result.inserted, dlq: letters.length, token }, 'batch_loaded');
  };
}
