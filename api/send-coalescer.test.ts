import { describe, expect, it } from 'vitest';
import { createSendCoalescer } from './send-coalescer.js';

describe('createSendCoalescer', () => {
  it('merges sends made in the same turn into one batch', async () => {
    const batches: string[][] = [];
    const coalescer = createSendCoalescer({ sendBatch: async (m) => void batches.push(m) });
    await Promise.all([coalescer.send(['a', 'b']), coalescer.send(['c']), coalescer.send(['d'])]);
    expect(batches).toEqual([['a', 'b', 'c', 'd']]);
  });

  it('starts a new batch before one would grow past maxChars', async () => {
    const batches: string[][] = [];
    const coalescer = createSendCoalescer({ sendBatch: async (m) => void batches.push(m), maxChars: 5 });
    await Promise.all([coalescer.send(['aa', 'bb']), coalescer.send(['cc']), coalescer.send(['d'])]);
    expect(batches).toEqual([
      ['aa', 'bb'],
      ['cc', 'd'],
    ]);
  });

  it('sends a request bigger than maxChars alone, at once', async () => {
    const batches: string[][] = [];
    const coalescer = createSendCoalescer({ sendBatch: async (m) => void batches.push(m), maxChars: 3 });
    await Promise.all([coalescer.send(['x']), coalescer.send(['toolong']), coalescer.send(['y'])]);
    expect(batches).toEqual([['x'], ['toolong'], ['y']]);
  });

  it('rejects every request of a failed batch, and only those', async () => {
    let fail = true;
    const coalescer = createSendCoalescer({
      sendBatch: async () => {
        if (fail) throw new Error('kafka down');
      },
    });
    const first = [coalescer.send(['1']), coalescer.send(['2'])];
    await expect(Promise.all(first)).rejects.toThrow('kafka down');
    await expect(first[1]).rejects.toThrow('kafka down');
    fail = false;
    await expect(coalescer.send(['3'])).resolves.toBeUndefined();
  });
});
