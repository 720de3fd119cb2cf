/**
 * Finding the rows ClickHouse refuses. A refused insert does not say which row was to
 * blame, so the block is split in halves and each half inserted again, until every refused
 * row is alone: those come back as rejected (for the DLQ), the rest is loaded. A bad row
 * costs about log2(rows) extra inserts; a block with none costs one.
 *
 * Each sub-block gets a dedup token derived from its parent's (`<token>/0`, `<token>/1`):
 * a retry of the whole block after a crash or timeout splits the same way and so sends the
 * same tokens, and ClickHouse drops the halves it already loaded instead of loading them
 * twice.
 */
import type { DeadLetterReason } from './outcome.js';

/** What became of the rows of one insert. */
export interface InsertResult<R> {
  inserted: number;
  rejected: Array<{ row: R; reason: DeadLetterReason }>;
}

export interface BisectionDeps<R> {
  /** Inserts one block under `token`; rejects when ClickHouse refuses it. */
  insert(rows: R[], token: string | undefined): Promise<void>;
  /**
   * Why a refused block's rows are to blame (then it is split), or undefined when the error
   * is not about the rows (then it is thrown, and the caller retries the whole block).
   */
  rejectionReason(error: unknown): DeadLetterReason | undefined;
}

/** Inserts `rows`, splitting refused blocks until the refused rows are isolated. */
export async function insertBisecting<R>(rows: R[], deps: BisectionDeps<R>, token?: string): Promise<InsertResult<R>> {
  if (rows.length === 0) return { inserted: 0, rejected: [] };
  try {
    await deps.insert(rows, token);
    return { inserted: rows.length, rejected: [] };
  } catch (error) {
    const reason = deps.rejectionReason(error);
    if (reason === undefined) throw error;
    if (rows.length === 1) return { inserted: 0, rejected: [{ row: rows[0]!, reason }] };
    const middle = Math.ceil(rows.length / 2);
    const halves = [rows.slice(0, middle), rows.slice(middle)];
    const results: Array<InsertResult<R>> = [];
    // One half after the other: the order of sub-blocks, and so their tokens, is stable.
    for (const [i, half] of halves.entries()) results.push(await insertBisecting(half, deps, token && `${token}/${i}`));
    return {
      inserted: results.reduce((n, r) => n + r.inserted, 0),
      rejected: results.flatMap((r) => r.rejected),
    };
  }
}
