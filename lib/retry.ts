/**
 * Retries an operation against a dependency that may be down (ClickHouse, Kafka) with
 * capped exponential backoff and jitter, until it succeeds or `signal` aborts.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export async function retryWithBackoff<T>(
  operation: (attempt: number) => Promise<T>,
  {
    signal,
    baseMs = 250,
    maxMs = 30_000,
    onError,
    isRetryable = () => true,
  }: {
    signal?: AbortSignal;
    baseMs?: number;
    maxMs?: number;
    onError?: (error: unknown, attempt: number, delayMs: number) => void;
    isRetryable?: (error: unknown) => boolean;
  } = {},
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    signal?.throwIfAborted();
    try {
      return await operation(attempt);
    } catch (error) {
      if (!isRetryable(error)) throw error;
      const delayMs = Math.min(maxMs, baseMs * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);
      onError?.(error, attempt, delayMs);
      await sleep(delayMs, undefined, signal ? { signal } : {});
    }
  }
}
