import { describe, expect, it, vi } from 'vitest';
import { createFlushBuffer } from './flush-buffer.js';
import {
  awaitWithHeartbeat,
  createOffsetCommits,
  lagAfter,
  nextOffset,
  type PartitionBatchPosition,
} from './offset-commits.js';

/** A promise with its settle functions outside. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

/**
 * A real flush buffer whose loads the test settles by hand, and a commit that records what
 * would be committed: the rules are tested on their own, with no Kafka or ClickHouse.
 */
function harness({ flushRows = 100, maxPendingRows = 1000 } = {}) {
  const loads: Array<{ entries: string[]; done: ReturnType<typeof deferred<void>> }> = [];
  const buffer = createFlushBuffer<string>({
    flushRows,
    flushMs: 60_000,
    flush: (entries) => {
      const done = deferred<void>();
      loads.push({ entries, done });
      return done.promise;
    },
  });
  const committed: string[] = [];
  const skipped: Array<{ batch: PartitionBatchPosition; error: unknown }> = [];
  let failCommit: Error | undefined;
  const commits = createOffsetCommits<string>({
    buffer,
    maxPendingRows,
    commit: async ({ topic, partition, offset }) => {
      if (failCommit) throw failCommit;
      committed.push(`${topic}/${partition}@${offset}`);
    },
    onSkipped: (batch, error) => skipped.push({ batch, error }),
  });
  const failNextCommits = (error: Error | undefined) => {
    failCommit = error;
  };
  return { buffer, loads, commits, committed, skipped, failNextCommits };
}

const position = (partition: number, lastOffset: string, highWatermark = '1000'): PartitionBatchPosition => ({
  topic: 'events.raw',
  partition,
  lastOffset,
  highWatermark,
});

describe('nextOffset and lagAfter', () => {
  it('commits the offset after the last message, exactly, past 2^53', () => {
    expect(nextOffset('0')).toBe('1');
    expect(nextOffset('41')).toBe('42');
    expect(nextOffset('9007199254740993')).toBe('9007199254740994');
  });

  it('lag is what remains between the batch and the partition end', () => {
    expect(lagAfter('100', '99')).toBe(0);
    expect(lagAfter('100', '49')).toBe(50);
  });
});

describe('createOffsetCommits', () => {
  it('commits a batch only once its outcomes are loaded', async () => {
    const h = harness({ flushRows: 2 });
    const { committed: done } = h.commits.track(position(0, '9'), ['a', 'b']);
    await tick();
    expect(h.loads).toHaveLength(1);
    expect(h.committed).toEqual([]);
    h.loads[0]!.done.resolve();
    await done;
    expect(h.committed).toEqual(['events.raw/0@10']);
  });

  it('a failed load commits nothing, and later batches still commit', async () => {
    const h = harness({ flushRows: 1 });
    const first = h.commits.track(position(0, '9'), ['a']).committed;
    const second = h.commits.track(position(1, '19'), ['b']).committed;
    await tick();
    h.loads[0]!.done.reject(new Error('clickhouse down'));
    await first;
    expect(h.committed).toEqual([]);
    expect(h.skipped.map((s) => [s.batch.partition, (s.error as Error).message])).toEqual([[0, 'clickhouse down']]);
    await tick();
    h.loads[1]!.done.resolve();
    await second;
    expect(h.committed).toEqual(['events.raw/1@20']);
  });

  it('a failed commit (e.g. a rebalance took the partition) is reported, never thrown', async () => {
    const h = harness({ flushRows: 1 });
    h.failNextCommits(new Error('not a member of the group'));
    const { committed: done } = h.commits.track(position(3, '5'), ['a']);
    await tick();
    h.loads[0]!.done.resolve();
    await expect(done).resolves.toBeUndefined();
    expect(h.committed).toEqual([]);
    expect(h.skipped).toHaveLength(1);
  });

  it('batches of one flush commit together; a partition commits in offset order', async () => {
    const h = harness({ flushRows: 3 });
    const a = h.commits.track(position(0, '9'), ['a']).committed;
    const b = h.commits.track(position(1, '4'), ['b']).committed;
    const c = h.commits.track(position(0, '12'), ['c']).committed;
    await tick();
    expect(h.loads.map((l) => l.entries)).toEqual([['a', 'b', 'c']]);
    h.loads[0]!.done.resolve();
    await Promise.all([a, b, c]);
    expect(h.committed).toEqual(['events.raw/0@10', 'events.raw/1@5', 'events.raw/0@13']);
  });

  it('asks the caller to wait while too many outcomes are not loaded (backpressure)', async () => {
    const h = harness({ flushRows: 2, maxPendingRows: 4 });
    expect(h.commits.track(position(0, '1'), ['a', 'b']).mustWait).toBe(false);
    expect(h.commits.track(position(0, '3'), ['c']).mustWait).toBe(false);
    // 4 outcomes added, none loaded: the fourth reaches the limit.
    expect(h.commits.track(position(0, '4'), ['d']).mustWait).toBe(true);
    // Loads run one at a time: settle each as it starts.
    for (let settled = 0; h.buffer.pending > 0 && settled < 10; settled++) {
      await tick();
      h.loads[settled]?.done.resolve();
    }
    expect(h.loads).toHaveLength(2);
    expect(h.commits.track(position(0, '5'), ['e']).mustWait).toBe(false);
  });

  it('drain flushes what is buffered, waits for every commit, and makes later callers wait', async () => {
    const h = harness({ flushRows: 100 });
    const { committed: done } = h.commits.track(position(2, '7'), ['a']);
    expect(h.loads).toHaveLength(0); // below flushRows, long before flushMs: still buffered
    let drained = false;
    const draining = h.commits.drain().then(() => {
      drained = true;
    });
    await tick();
    expect(h.loads).toHaveLength(1);
    expect(drained).toBe(false);
    h.loads[0]!.done.resolve();
    await draining;
    await done;
    expect(h.committed).toEqual(['events.raw/2@8']);
    expect(h.commits.inFlight).toBe(0);
    expect(h.commits.track(position(2, '8'), ['b']).mustWait).toBe(true);
  });
});

describe('awaitWithHeartbeat', () => {
  it('heartbeats while the load runs, and stops when it is done', async () => {
    const load = deferred<void>();
    let beats = 0;
    const waiting = awaitWithHeartbeat(load.promise, async () => void beats++, 5);
    // Polled, not a fixed sleep: on a loaded machine 40 ms may hold a single 5 ms tick.
    await vi.waitFor(() => expect(beats).toBeGreaterThanOrEqual(2), { timeout: 5000, interval: 5 });
    load.resolve();
    await waiting;
    const after = beats;
    await new Promise((r) => setTimeout(r, 20));
    expect(beats).toBe(after);
  });

  it('a failing heartbeat does not end the wait', async () => {
    const load = deferred<void>();
    let beats = 0;
    const waiting = awaitWithHeartbeat(
      load.promise,
      async () => {
        beats++;
        throw new Error('coordinator moved');
      },
      5,
    );
    await new Promise((r) => setTimeout(r, 30));
    load.resolve();
    await expect(waiting).resolves.toBeUndefined();
    expect(beats).toBeGreaterThanOrEqual(1);
  });
});
