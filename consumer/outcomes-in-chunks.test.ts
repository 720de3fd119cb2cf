import type { EachBatchPayload } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import type { MessageOutcome } from './outcome.js';
import { toOutcomesInChunks } from './outcomes-in-chunks.js';

/** A batch of `n` messages whose offsets are their index; `lastOffset()` proves the prototype is kept. */
function batchOf(n: number): EachBatchPayload['batch'] {
  const proto = { lastOffset: () => String(n - 1) };
  return Object.assign(Object.create(proto), {
    partition: 3,
    messages: Array.from({ length: n }, (_, i) => ({ offset: String(i), key: null, value: null })),
  });
}

const outcomeOf = (offset: string) =>
  ({
    kind: 'dlq',
    reason: { code: 'invalid_json', detail: '' },
    source: { partition: 3, offset, key: null, value: null },
  }) as MessageOutcome;

describe('toOutcomesInChunks', () => {
  it('maps 1,000 messages at a time with a heartbeat between chunks, keeping the order', async () => {
    const calls: number[] = [];
    const events: string[] = [];
    const outcomes = await toOutcomesInChunks(
      batchOf(2500),
      async (chunk) => {
        calls.push(chunk.messages.length);
        events.push('chunk');
        expect(chunk.partition).toBe(3);
        expect(chunk.lastOffset()).toBe('2499');
        return chunk.messages.map((m) => outcomeOf(m.offset));
      },
      async () => {
        events.push('heartbeat');
      },
    );
    expect(calls).toEqual([1000, 1000, 500]);
    expect(events).toEqual(['chunk', 'heartbeat', 'chunk', 'heartbeat', 'chunk']);
    expect(outcomes.map((o) => o.source.offset)).toEqual(Array.from({ length: 2500 }, (_, i) => String(i)));
  });

  it('passes a small batch as it is, and a failing heartbeat stops nothing', async () => {
    const small = batchOf(10);
    let seen: unknown;
    await toOutcomesInChunks(
      small,
      async (chunk) => {
        seen = chunk;
        return [];
      },
      async () => {},
    );
    expect(seen).toBe(small);
    const outcomes = await toOutcomesInChunks(
      batchOf(1500),
      async (chunk) => chunk.messages.map((m) => outcomeOf(m.offset)),
      async () => {
        throw new Error('The group is rebalancing');
      },
    );
    expect(outcomes).toHaveLength(1500);
  });
});
