import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { insertBisecting } from './insert-bisection.js';
import type { DeadLetterReason } from './outcome.js';

interface Row {
  id: number;
  bad: boolean;
}

class RefusedError extends Error {}

/**
 * A table that refuses any block holding a bad row (as ClickHouse refuses a whole insert
 * for one unparseable value) and drops a block whose token it has seen (as ClickHouse's
 * insert deduplication does), so double loads would show.
 */
function table({ failWith }: { failWith?: (rows: Row[]) => Error | undefined } = {}) {
  const stored: number[] = [];
  const tokens: Array<string | undefined> = [];
  const seen = new Set<string>();
  return {
    stored,
    tokens,
    insert: async (rows: Row[], token: string | undefined) => {
      tokens.push(token);
      const failure = failWith?.(rows);
      if (failure) throw failure;
      if (rows.some((r) => r.bad)) throw new RefusedError(`refused a block of ${rows.length}`);
      if (token !== undefined && seen.has(token)) return;
      if (token !== undefined) seen.add(token);
      stored.push(...rows.map((r) => r.id));
    },
    rejectionReason: (error: unknown): DeadLetterReason | undefined =>
      error instanceof RefusedError ? { code: 'clickhouse_rejected', detail: error.message } : undefined,
  };
}

const rows = (bad: number[], n: number): Row[] => Array.from({ length: n }, (_, id) => ({ id, bad: bad.includes(id) }));

describe('insertBisecting', () => {
  it('a clean block is one insert under the given token', async () => {
    const t = table();
    expect(await insertBisecting(rows([], 5), t, 'p0:1-5')).toEqual({ inserted: 5, rejected: [] });
    expect(t.tokens).toEqual(['p0:1-5']);
  });

  it('nothing to insert: no insert at all', async () => {
    const t = table();
    expect(await insertBisecting([], t, 'x')).toEqual({ inserted: 0, rejected: [] });
    expect(t.tokens).toEqual([]);
  });

  it('isolates one bad row, loads the others once, in halves with derived tokens', async () => {
    const t = table();
    const result = await insertBisecting(rows([2], 4), t, 'tok');
    expect(result.inserted).toBe(3);
    expect(result.rejected).toEqual([
      { row: { id: 2, bad: true }, reason: { code: 'clickhouse_rejected', detail: 'refused a block of 1' } },
    ]);
    expect(t.stored.sort()).toEqual([0, 1, 3]);
    // [0..3] refused → [0,1] ok, [2,3] refused → [2] refused, [3] ok
    expect(t.tokens).toEqual(['tok', 'tok/0', 'tok/1', 'tok/1/0', 'tok/1/1']);
  });

  it('a retry of the whole block sends the same tokens, so loaded halves are not loaded twice', async () => {
    let down = false;
    const t = table({ failWith: (block) => (down && block.length === 1 ? new Error('connection reset') : undefined) });
    const block = rows([5], 8);
    // First attempt: the server goes away while the last halves are inserted.
    down = true;
    await expect(insertBisecting(block, t, 'tok')).rejects.toThrow('connection reset');
    const loadedBefore = [...t.stored];
    expect(loadedBefore.length).toBeGreaterThan(0);
    down = false;
    const result = await insertBisecting(block, t, 'tok');
    expect(result.rejected.map((r) => r.row.id)).toEqual([5]);
    expect(t.stored.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 6, 7]);
  });

  it('an error that is not about the rows is thrown whole, nothing rejected', async () => {
    const t = table({ failWith: () => new Error('ECONNREFUSED') });
    await expect(insertBisecting(rows([1], 4), t, 'tok')).rejects.toThrow('ECONNREFUSED');
    expect(t.tokens).toEqual(['tok']);
  });

  it('without a token, sub-blocks have none either', async () => {
    const t = table();
    await insertBisecting(rows([0], 2), t);
    expect(t.tokens).toEqual([undefined, undefined, undefined]);
  });

  it('for any rows and any bad ones: every good row stored once, exactly the bad ones rejected', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .integer({ min: 1, max: 200 })
          .chain((n) => fc.tuple(fc.constant(n), fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), { maxLength: n }))),
        async ([n, bad]) => {
          const t = table();
          const result = await insertBisecting(rows(bad, n), t, 't');
          expect(result.rejected.map((r) => r.row.id).sort((a, b) => a - b)).toEqual([...bad].sort((a, b) => a - b));
          expect(result.inserted).toBe(n - bad.length);
          expect(t.stored.sort((a, b) => a - b)).toEqual(
            rows(bad, n)
              .filter((r) => !r.bad)
              .map((r) => r.id),
          );
          // Tokens are unique per block: none reused for different rows.
          expect(new Set(t.tokens).size).toBe(t.tokens.length);
        },
      ),
      { numRuns: 200 },
    );
  });
});
