import type { EachBatchPayload } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import type { MessageOutcome } from './outcome.js';
import { toOutcomesInChunks } from './outcomes-in-chunks.js';

/** A batch of `n` 100-byte messages whose offsets are their index; `lastOffset()` proves the prototype is kept. */
function batchOf(n: number): EachBatchPayload['batch'] {
  const proto = { lastOffset: () => String(n - 1) };
  return Object.assign(Object.create(proto), {
    partition: 3,
    messages: Array.from({ length: n }, (_, i) => ({ offset: String(i), key: null, value: Buffer.alloc(100) })),
  });
}

const outcomeOf = (offset: string) =>
  ({
    kind: 'dlq',
    reason: { code: 'invalid_json', detail: '' },
    source: { partition: 3, offset, key: null, value: null },
  }) as MessageOutcome;

const map = async (chunk: EachBatchPayload['batch']) => ({
  outcomes: chunk.messages.map((m) => outcomeOf(m.offset)),
  bytes: chunk.messages.length * 100,
});

describe('toOutcomesInChunks', () => {
  it('maps a chunk of records at a time with a heartbeat between chunks, keeping the order and the bytes', async () => {
    const events: string[] = [];
    const sizes: number[] = [];
    const result = await toOutcomesInChunks(
      batchOf(25),
      async (chunk) => {
        events.push('chunk');
        sizes.push(chunk.messages.length);
        expect(chunk.partition).toBe(3);
        expect(chunk.lastOffset()).toBe('24');
        return map(chunk);
      },
      async () => {
        events.push('heartbeat');
      },
      1000,
    );
    expect(sizes).toEqual([10, 10, 5]);
    expect(events).toEqual(['chunk', 'heartbeat', 'chunk', 'heartbeat', 'chunk']);
    expect(result.outcomes.map((o) => o.source.offset)).toEqual(Array.from({ length: 25 }, (_, i) => String(i)));
    expect(result.bytes).toBe(2500);
  });

  it('passes a small batch as it is, and a failing heartbeat stops nothing', async () => {
    const small = batchOf(5);
    let seen: unknown;
    await toOutcomesInChunks(
      small,
      async (chunk) => {
        seen = chunk;
        return map(chunk);
      },
      async () => {},
      1000,
    );
    expect(seen).toBe(small);
    const result = await toOutcomesInChunks(
      batchOf(30),
      map,
      async () => {
        throw new Error('The group is rebalancing');
      },
      1000,
    );
    expect(result.outcomes).toHaveLength(30);
  });
});
