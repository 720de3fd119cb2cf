/**
 * The consumer's commit rules, apart from kafkajs so they can be tested alone:
 *
 * - a partition batch's offsets are committed only once the flush buffer reports its
 *   outcomes loaded (rows in ClickHouse, dead letters in their topic), so a crash replays
 *   (deduplicated downstream), never skips;
 * - the offset committed is the last message's offset + 1 (the next one to read), computed
 *   on the decimal strings Kafka uses, since offsets can pass 2^53;
 * - a load or commit that fails commits nothing: those offsets are read again after a
 *   restart or rebalance;
 * - the caller must wait for its commit (stop handing out work) while `maxPendingRows`
 *   outcomes are not loaded yet (backpressure), and always once draining has begun, so the
 *   group is left only after every handed-out batch was loaded and committed.
 */
import type { FlushBuffer } from './flush-buffer.js';

/** Where one partition batch sits in its partition. */
export interface PartitionBatchPosition {
  topic: string;
  partition: number;
  /** Offset of the batch's last message. */
  lastOffset: string;
  /** The partition's end (the offset the next produced message will get) when fetched. */
  highWatermark: string;
}

/** The offset to commit for a batch ending at `lastOffset`: the next message to read. */
export function nextOffset(lastOffset: string): string {
  return (BigInt(lastOffset) + 1n).toString();
}

/** Messages still behind the partition's end once the batch ending at `lastOffset` is loaded. */
export function lagAfter(highWatermark: string, lastOffset: string): number {
  return Number(BigInt(highWatermark) - BigInt(lastOffset) - 1n);
}

export interface OffsetCommitsDeps<T> {
  buffer: FlushBuffer<T>;
  /** Commits `offset` (the next to read) for the partition; kafkajs's `commitOffsets` in the loop. */
  commit(offset: { topic: string; partition: number; offset: string }): Promise<void>;
  /** Callers must wait for their commit once this many outcomes are not loaded yet. */
  maxPendingRows: number;
  onCommitted?(batch: PartitionBatchPosition): void;
  /** A load or commit failed: nothing was committed for `batch`. */
  onSkipped?(batch: PartitionBatchPosition, error: unknown): void;
}

export interface OffsetCommits<T> {
  /**
   * Hands a partition batch's outcomes to the buffer and commits the batch once they are
   * loaded. `bytes`: what the batch's records weigh against the buffer's byte threshold.
   * `committed` never rejects (a failure is reported to `onSkipped`); `mustWait` says
   * whether the caller must await it before taking more work.
   */
  track(batch: PartitionBatchPosition, entries: T[], bytes?: number): { committed: Promise<void>; mustWait: boolean };
  /** From now on every caller waits; flushes what is buffered until every commit has settled. */
  drain(): Promise<void>;
  /** Commits not yet settled. */
  readonly inFlight: number;
}

/** Makes the commit rules for one consumer-group member. */
export function createOffsetCommits<T>(deps: OffsetCommitsDeps<T>): OffsetCommits<T> {
  const commits = new Set<Promise<void>>();
  let draining = false;
  return {
    track(batch, entries, bytes) {
      const committed = deps.buffer
        .add(entries, bytes)
        .then(() =>
          deps.commit({ topic: batch.topic, partition: batch.partition, offset: nextOffset(batch.lastOffset) }),
        )
        .then(() => {
          deps.onCommitted?.(batch);
        })
        .catch((error: unknown) => {
          deps.onSkipped?.(batch, error);
        });
      commits.add(committed);
      void committed.finally(() => commits.delete(committed));
      return { committed, mustWait: draining || deps.buffer.pending >= deps.maxPendingRows };
    },
    async drain() {
      draining = true;
      while (commits.size > 0) {
        await deps.buffer.flushNow().catch(() => {});
        await Promise.all([...commits]);
      }
    },
    get inFlight() {
      return commits.size;
    },
  };
}

/**
 * Waits for `done`, calling `heartbeat` every `intervalMs` meanwhile, so a long load keeps
 * the group membership (kafkajs sends at most one heartbeat per heartbeatInterval). A failed
 * heartbeat is ignored here: it resurfaces when the commit is attempted.
 */
export async function awaitWithHeartbeat(
  done: Promise<void>,
  heartbeat: () => Promise<void>,
  intervalMs = 1000,
): Promise<void> {
  let settled = false;
  const finished = done.finally(() => {
    settled = true;
  });
  while (!settled) {
    await Promise.race([finished, new Promise((r) => setTimeout(r, intervalMs))]);
    if (!settled) await heartbeat().catch(() => {});
  }
  await finished;
}
