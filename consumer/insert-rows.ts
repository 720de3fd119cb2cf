/**
 * Inserts rows into ClickHouse. When ClickHouse rejects a block for its *content* (a value
 * it cannot parse), the bad rows are isolated (insert-bisection.ts): they come back as
 * rejects (for the DLQ) and the rest is loaded. A transient failure (server down, timeout)
 * is thrown, for the caller to retry the whole block; so is an error of unknown kind, until
 * the caller has seen it often enough to ask for bisection (see insert-errors.ts).
 */
import { Readable } from 'node:stream';
import type { ClickHouseError } from '@clickhouse/client';
import type { ClickHouseClient } from '../lib/clickhouse.js';
import { clickHouseDetail } from './dead-letter.js';
import { insertBisecting, type InsertResult } from './insert-bisection.js';
import { classifyInsertError } from './insert-errors.js';
import { encodeNativeBlock, type NativeColumn, NativeEncodeError } from './native-block.js';
import type { DeadLetterReason } from './outcome.js';

export interface InsertRowsOptions {
  /**
   * Treat an error of unknown kind like a content error (split and dead-letter) instead of
   * throwing it. A transient error met while splitting is still thrown: the whole block is
   * retried later, and the halves already loaded are dropped as duplicates by their tokens.
   */
  bisectUnknown?: boolean;
}

/**
 * The columns to write: their names (sent as JSONCompactEachRow, one JSON array per row,
 * values in this order), or Native column specs (one binary block, see native-block.ts).
 *
 * Measured on our event rows (bench/insert-formats.ts, bench/cost-per-event.ts): Native costs
 * the client about what JSONCompactEachRow does once the JIT is warm (2-3 µs a row), while
 * ClickHouse parses it with far less work (no text to scan, no escapes) from a smaller body,
 * so the consumer writes `events` as Native; JSONCompactEachRow stays for ad-hoc tables.
 */
export type InsertColumns<R> = ReadonlyArray<keyof R & string> | ReadonlyArray<NativeColumn<R>>;

/**
 * Inserts `rows` into `table`; rows refused for their content are isolated by bisection and
 * returned as rejected. With Native columns, a row whose value its column cannot hold is
 * refused before anything is sent, and isolated the same way (`insert_error`).
 *
 * @param dedupToken ClickHouse drops a block whose token it has seen in the last
 *   `non_replicated_deduplication_window` inserts: a retry of the same Kafka offset range
 *   after a timeout or crash does not add rows twice.
 */
export function insertRows<R extends object>(
  clickhouse: ClickHouseClient,
  table: string,
  columns: InsertColumns<R>,
  rows: R[],
  dedupToken?: string,
  { bisectUnknown = false }: InsertRowsOptions = {},
): Promise<InsertResult<R>> {
  return insertBisecting(
    rows,
    {
      insert: async (block, token) => {
        const settings = token ? { insert_deduplication_token: token } : {};
        if (isNative(columns)) {
          const body = encodeNativeBlock(columns, block);
          const result = await clickhouse.exec({
            query: `INSERT INTO ${table} (${columns.map((c) => c.name).join(', ')}) FORMAT Native`,
            values: Readable.from([body]),
            clickhouse_settings: settings,
          });
          // The answer is empty, but the socket goes back to the pool only once it is read.
          for await (const _ of result.stream) {
          }
          return;
        }
        await clickhouse.insert({
          table,
          // The client types `columns` as a non-empty tuple; ours is a constant list.
          columns: [...columns] as unknown as [string, ...string[]],
          values: block.map((row) => columns.map((column) => row[column])),
          format: 'JSONCompactEachRow',
          clickhouse_settings: settings,
        });
      },
      rejectionReason: (error) => {
        if (error instanceof NativeEncodeError) return { code: 'insert_error', detail: error.message };
        const kind = classifyInsertError(error);
        if (kind === 'transient' || (kind === 'unknown' && !bisectUnknown)) return undefined;
        return rejectReason(error);
      },
    },
    dedupToken,
  );
}

function isNative<R>(columns: InsertColumns<R>): columns is ReadonlyArray<NativeColumn<R>> {
  return typeof columns[0] === 'object';
}

/** Why rows a split could not load are dead-lettered: ClickHouse's answer, or another error. */
function rejectReason(error: unknown): DeadLetterReason {
  const { code, message } = error as Partial<ClickHouseError>;
  return code === undefined
    ? { code: 'insert_error', detail: String(message ?? error) }
    : { code: 'clickhouse_rejected', detail: clickHouseDetail(code, String(message)) };
}
