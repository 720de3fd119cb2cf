/**
 * Loads one flush (what the flush buffer hands over at once: the outcomes of one or more
 * partition batches): rows into ClickHouse as one insert, dead letters into the DLQ.
 * Retries the ClickHouse insert while the server is unreachable (capped backoff, no busy
 * loop); only when this resolves may the caller commit the flushed batches' offsets.
 */
import type { Producer } from 'kafkajs';
import type { ClickHouseClient } from '../lib/clickhouse.js';
import type { Logger } from '../lib/logger.js';
import { retryWithBackoff } from '../lib/retry.js';
import { type RequestFactsV2, singleEventRecord } from '../lib/wire/index.js';
import { type DeadLetter, sendDeadLetters } from './dead-letter.js';
import { EVENT_NATIVE_COLUMNS, type EventRow } from './event-row.js';
import { dedupToken } from './dedup-token.js';
import { classifyInsertError } from './insert-errors.js';
import { insertRows } from './insert-rows.js';
import type { ConsumerMetrics } from './metrics.js';
import type { MessageOutcome } from './outcome.js';
import type { ConsumerReadiness } from './readiness.js';

export interface LoadFlushDeps {
  clickhouse: ClickHouseClient;
  producer: Producer;
  table: string;
  sourceTopic: string;
  dlqTopic: string;
  metrics: ConsumerMetrics;
  logger: Logger;
  /** Aborted on shutdown: stop retrying, commit nothing. */
  signal: AbortSignal;
  /** Told whether inserts succeed (for `/readyz`). */
  readiness?: Pick<ConsumerReadiness, 'insertSucceeded' | 'insertFailed'>;
  /**
   * Failures of unknown kind (see insert-errors.ts) after which the flush is split and the
   * rows that still fail are dead-lettered, so an unforeseen error cannot stop the partition.
   */
  unknownErrorTries?: number;
}

/** Makes the function the flush buffer calls with each flush. */
export function createFlushLoader(deps: LoadFlushDeps) {
  const { clickhouse, producer, metrics, logger, signal, readiness, unknownErrorTries = 3 } = deps;
  return async function loadFlush(outcomes: MessageOutcome[]): Promise<void> {
    const rows: EventRow[] = [];
    const letters: DeadLetter[] = [];
    for (const outcome of outcomes) {
      if (outcome.kind === 'row') rows.push(outcome.row);
      else letters.push(outcome);
    }
    const token = dedupToken(outcomes, deps.sourceTopic);
    const started = performance.now();
    let unknownFailures = 0;
    const result = await retryWithBackoff(
      () =>
        insertRows(clickhouse, deps.table, EVENT_NATIVE_COLUMNS, rows, token, {
          bisectUnknown: unknownFailures >= unknownErrorTries,
        }),
      {
        signal,
        // At most ~2 s between attempts: the loader notices a returning ClickHouse within
        // that, and a load lost during the outage is cheap to retry.
        baseMs: 500,
        maxMs: 2000,
        onError: (error, attempt, delayMs) => {
          readiness?.insertFailed(error);
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
    readiness?.insertSucceeded();
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
      maxMs: 2000,
      onError: (error, attempt) =>
        logger.warn({ err: error, attempt, letters: letters.length }, 'dlq_send_failed_retrying'),
    });
    for (const letter of letters) metrics.dlq.inc({ reason: letter.reason.code });

    metrics.rowsInserted.inc(result.inserted);
    metrics.batchRows.observe(rows.length);
    metrics.lastInsertAt = Date.now();
    metrics.lastInsert.set(metrics.lastInsertAt / 1000);
    logger.debug({ rows: result.inserted, dlq: letters.length, token }, 'batch_loaded');
  };
}
