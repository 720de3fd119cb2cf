import { describe, expect, it } from 'vitest';
import { createFlushBuffer } from './flush-buffer.js';

describe('createFlushBuffer', () => {
  it('flushes once rows reach flushRows, in one call for all waiters', async () => {
    const flushed: number[][] = [];
    const buffer = createFlushBuffer<number>({
      flushRows: 4,
      flushMs: 60_000,
      flush: async (e) => void flushed.push(e),
    });
    await Promise.all([buffer.add([1, 2]), buffer.add([3, 4])]);
    expect(flushed).toEqual([[1, 2, 3, 4]]);
  });

  it('flushes once the entries reach flushBytes', async () => {
    const flushed: number[][] = [];
    const buffer = createFlushBuffer<number>({
      flushRows: 1000,
      flushMs: 60_000,
      flushBytes: 100,
      flush: async (e) => void flushed.push(e),
    });
    await Promise.all([buffer.add([60], 60), buffer.add([50], 50)]);
    expect(flushed).toEqual([[60, 50]]);
  });

  it('flushes by age when rows stay below the threshold', async () => {
    const flushed: number[][] = [];
    const buffer = createFlushBuffer<number>({
      flushRows: 1000,
      flushMs: 20,
      flush: async (e) => void flushed.push(e),
    });
    const started = Date.now();
    await buffer.add([1]);
    expect(flushed).toEqual([[1]]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(15);
  });

  it('rejects the waiters of a failed flush and keeps serving later ones', async () => {
    let fail = true;
    const buffer = createFlushBuffer<number>({
      flushRows: 1,
      flushMs: 10,
      flush: async () => {
        if (fail) throw new Error('clickhouse down');
      },
    });
    await expect(buffer.add([1])).rejects.toThrow('clickhouse down');
    fail = false;
    await expect(buffer.add([2])).resolves.toBeUndefined();
  });

  it('never runs two flushes at once', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const buffer = createFlushBuffer<number>({
      flushRows: 1,
      flushMs: 10,
      flush: async () => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((r) => setTimeout(r, 5));
        inFlight--;
      },
    });
    await Promise.all([1, 2, 3, 4, 5].map((n) => buffer.add([n])));
    expect(maxInFlight).toBe(1);
  });
});
