/**
 * Group commit for the consumer. Each partition's batch is added with a promise that
 * settles when it is loaded; the buffer flushes (one ClickHouse insert for all partitions'
 * entries) when it holds `flushRows` entries or `flushBytes` bytes, or its oldest entry is
 * `flushMs` old. One
 * flush runs at a time, in order; `pending` lets the caller stop adding (backpressure)
 * while too much is waiting.
 */
export interface FlushBufferOptions<T> {
  flushRows: number;
  flushMs: number;
  /** Flush once the bytes given with `add` add up to this (e.g. the Kafka bytes the entries came from). */
  flushBytes?: number;
  /** Loads the entries; must either succeed for all of them or throw. */
  flush(entries: T[]): Promise<void>;
}

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

export interface FlushBuffer<T> {
  /**
   * Resolves once `entries` are flushed; rejects if their flush failed. `bytes`: what they
   * weigh against `flushBytes` (one Kafka record may hold many entries, so it is given per add).
   */
  add(entries: T[], bytes?: number): Promise<void>;
  /** Flushes whatever is buffered now (used on shutdown and rebalance). */
  flushNow(): Promise<void>;
  /** Entries waiting for the next flush. */
  readonly size: number;
  /** Entries added and not yet loaded: waiting plus the flush in flight. */
  readonly pending: number;
}

export function createFlushBuffer<T>({
  flushRows,
  flushMs,
  flushBytes = Infinity,
  flush,
}: FlushBufferOptions<T>): FlushBuffer<T> {
  let entries: T[] = [];
  let bytes = 0;
  let waiters: Waiter[] = [];
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let pending = 0;

  const startFlush = (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const batch = entries;
    const batchWaiters = waiters;
    entries = [];
    waiters = [];
    bytes = 0;
    if (batch.length === 0 && batchWaiters.length === 0) return running;
    // Chain after the flush in progress: at most one insert in flight.
    running = running.then(async () => {
      try {
        await flush(batch);
        for (const w of batchWaiters) w.resolve();
      } catch (error) {
        for (const w of batchWaiters) w.reject(error);
      } finally {
        pending -= batch.length;
      }
    });
    return running;
  };

  return {
    add(added, addedBytes = 0) {
      return new Promise<void>((resolve, reject) => {
        // Not push(...added): spreading tens of thousands of arguments can overflow the stack.
        for (const entry of added) entries.push(entry);
        pending += added.length;
        bytes += addedBytes;
        waiters.push({ resolve, reject });
        if (entries.length >= flushRows || bytes >= flushBytes) void startFlush();
        else timer ??= setTimeout(() => void startFlush(), flushMs);
      });
    },
    flushNow: () => startFlush(),
    get size() {
      return entries.length;
    },
    get pending() {
      return pending;
    },
  };
}
