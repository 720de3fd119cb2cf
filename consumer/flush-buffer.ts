/**
 * Group commit for the consumer. Each partition's `eachBatch` adds its messages and waits;
 * the buffer flushes (one ClickHouse insert for all waiting partitions) when it holds
 * `flushRows` entries or its oldest entry is `flushMs` old, then every waiter goes on to
 * commit its offsets. One flush runs at a time; callers wait rather than pile up rows, so
 * memory stays bounded by what Kafka hands out per fetch (that is the backpressure).
 */
export interface FlushBufferOptions<T> {
  flushRows: number;
  flushMs: number;
  /** Loads the entries; must either succeed for all of them or throw. */
  flush(entries: T[]): Promise<void>;
}

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

export interface FlushBuffer<T> {
  /** Resolves once `entries` are flushed; rejects if their flush failed. */
  add(entries: T[]): Promise<void>;
  /** Flushes whatever is buffered now (used on shutdown and rebalance). */
  flushNow(): Promise<void>;
  /** Entries waiting for the next flush. */
  readonly size: number;
}

export function createFlushBuffer<T>({ flushRows, flushMs, flush }: FlushBufferOptions<T>): FlushBuffer<T> {
  let entries: T[] = [];
  let waiters: Waiter[] = [];
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const startFlush = (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const batch = entries;
    const batchWaiters = waiters;
    entries = [];
    waiters = [];
    if (batch.length === 0 && batchWaiters.length === 0) return running;
    // Chain after the flush in progress: at most one insert in flight.
    running = running.then(async () => {
      try {
        await flush(batch);
        for (const w of batchWaiters) w.resolve();
      } catch (error) {
        for (const w of batchWaiters) w.reject(error);
      }
    });
    return running;
  };

  return {
    add(added) {
      return new Promise<void>((resolve, reject) => {
        entries.push(...added);
        waiters.push({ resolve, reject });
        if (entries.length >= flushRows) void startFlush();
        else timer ??= setTimeout(() => void startFlush(), flushMs);
      });
    },
    flushNow: () => startFlush(),
    get size() {
      return entries.length;
    },
  };
}
