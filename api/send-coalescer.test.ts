import { describe, expect, it } from 'vitest';
import { createSendCoalescer } from './send-coalescer.js';

describe('createSendCoalescer', () => {
  it('merges sends made in the same turn into one batch', async () => {
    const batches: number[][] = [];
    const coalescer = createSendCoalescer<number>({ sendBatch: async (m) => void batches.push(m) });
    await Promise.all([coalescer.send([1, 2]), coalescer.send([3]), coalescer.send([4])]);
    expect(batches).toEqual([[1, 2, 3, 4]]);
  });

  it('sends at once when maxMessages is reached', async () => {
    const batches: number[][] = [];
    const coalescer = createSendCoalescer<number>({ sendBatch: async (m) => void batches.push(m), maxMessages: 3 });
    await Promise.all([coalescer.send([1, 2]), coalescer.send([3]), coalescer.send([4])]);
    expect(batches).toEqual([[1, 2, 3], [4]]);
  });

  it('rejects every request of a failed batch, and only those', async () => {
    let fail = true;
    const coalescer = createSendCoalescer<number>({
      sendBatch: async () => {
        if (fail) throw new Error('kafka down');
      },
    });
    const first = [coalescer.send([1]), coalescer.send([2])];
    await expect(Promise.all(first)).rejects.toThrow('kafka down');
    await expect(first[1]).rejects.toThrow('kafka down');
    fail = false;
    await expect(coalescer.send([3])).resolves.toBeUndefined();
  });
});
