/**
 * Inserts rows into ClickHouse. When ClickHouse rejects a batch for its *content* (a value
 * it cannot parse), the batch is split in halves and retried until the bad rows are
 * isolated: they come back as rejects (for the DLQ) and the rest is loaded. A transient
 * failure (server down, timeout) is thrown, for the caller to retry the whole batch; so is
 * an error of unknown kind, until the caller has seen it often enough to ask for bisection
 * (see insert-errors.ts).
 */
import { Readable } from 'node:stream';
import type { ClickHouseError } from '@clickhouse/client';
import type { ClickHouseClient } from '../lib/clickhouse.js';
import { classifyInsertError } from './insert-errors.js';
import { encodeNativeBlock, type NativeColumn, NativeEncodeError } from './native-block.js';

export interface InsertRowsOptions {
  /**
   * Treat an error of unknown kind like a content error (split and dead-letter) instead of
   * throwing it. A transient error met while splitting is still thrown: the whole batch is
   * retried later, and the halves already loaded are dropped as duplicates by their tokens.
   */
  bisectUnknown?: boolean;
}

export interface InsertOutcome<R> {
  inserted: number;
  rejected: Array<{ row: R; reason: string }>;
}

/**
 * The columns to write: their names (sent as JSONCompactEachRow, one JSON array per row,
 * values in this order), or Native column specs (one binary block, see native-block.ts).
 *
 * Measured on our event rows (bench/cost-per-event.ts and consumer/bench-insert-formats.ts):
 * Native costs the client about as much as JSONCompactEachRow to encode, but ClickHouse parses
 * it with far less work (no text scan, no escapes) and the body is half the bytes, so the
 * consumer writes `events` as Native; JSONCompactEachRow stays for ad-hoc tables.
 */
export type InsertColumns<R> = ReadonlyArray<keyof R & string> | ReadonlyArray<NativeColumn<R>>;

/**
 * Inserts `rows` into `table`. A row whose value cannot even be encoded for its column (Native
 * only) is rejected at once, like a row ClickHouse refuses.
 *
 * @param dedupToken ClickHouse drops a block whose token it has seen in the last
 *   `non_replicated_deduplication_window` inserts: a retry of the same Kafka offset range
 *   after a timeout or crash does not add rows twice.
 */
export async function insertRows<R extends object>(
  clickhouse: ClickHouseClient,
  table: string,
  columns: InsertColumns<R>,
  rows: R[],
  dedupToken?: string,
  { bisectUnknown = false }: InsertRowsOptions = {},
): Promise<InsertOutcome<R>> {
  if (rows.length === 0) return { inserted: 0, rejected: [] };
  const settings = dedupToken ? { insert_deduplication_token: dedupToken } : {};
  try {
    if (isNative(columns)) {
      let body: Buffer;
      try {
        body = encodeNativeBlock(columns, rows);
      } catch (error) {
        if (!(error instanceof NativeEncodeError)) throw error;
        // Set the row aside and insert the others (their token is still the batch's: the
        // same rows every time this batch is retried).
        const rest = rows.filter((_, i) => i !== error.rowIndex);
        const outcome = await insertRows(clickhouse, table, columns, rest, dedupToken, { bisectUnknown });
        const reason = `encode_error: ${error.message}`;
        return { inserted: outcome.inserted, rejected: [{ row: rows[error.rowIndex]!, reason }, ...outcome.rejected] };
      }
      const names = columns.map((c) => c.name).join(', ');
      const result = await clickhouse.exec({
        query: `INSERT INTO ${table} (${names}) FORMAT Native`,
        values: Readable.from([body]),
        clickhouse_settings: settings,
      });
      // The answer is empty, but the socket goes back to the pool only once it is read.
      for await (const _ of result.stream) {
      }
    } else {
      await clickhouse.insert({
        table,
        // The client types `columns` as a non-empty tuple; ours is a constant list.
        columns: [...columns] as unknown as [string, ...string[]],
        values: rows.map((row) => columns.map((column) => row[column])),
        format: 'JSONCompactEachRow',
        clickhouse_settings: settings,
      });
    }
    return { inserted: rows.length, rejected: [] };
  } catch (error) {
    const kind = classifyInsertError(error);
    if (kind === 'transient' || (kind === 'unknown' && !bisectUnknown)) throw error;
    if (rows.length === 1) return { inserted: 0, rejected: [{ row: rows[0]!, reason: rejectReason(error) }] };
    const middle = Math.ceil(rows.length / 2);
    const halves = [rows.slice(0, middle), rows.slice(middle)];
    const outcomes = [];
    // Sub-blocks get tokens of their own, derived from the parent's: still stable on retry.
    for (const [i, half] of halves.entries())
      outcomes.push(
        await insertRows(clickhouse, table, columns, half, dedupToken && `${dedupToken}/${i}`, { bisectUnknown }),
      );
    return {
      inserted: outcomes.reduce((n, o) => n + o.inserted, 0),
      rejected: outcomes.flatMap((o) => o.rejected),
    };
  }
}

function isNative<R>(columns: InsertColumns<R>): columns is ReadonlyArray<NativeColumn<R>> {
  return typeof columns[0] === 'object';
}

function rejectReason(error: unknown): string {
  const { code, message } = error as Partial<ClickHouseError>;
  return code === undefined ? `insert_error: ${String(message ?? error)}` : `clickhouse ${code}: ${message}`;
}
