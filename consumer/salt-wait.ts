/**
 * Loads the visitor salts a partition batch needs, waiting as long as Postgres is away.
 *
 * A consumer (re)started while Postgres is down cannot hash visitors: it must neither
 * crash (a restart loop would not bring Postgres back), nor skip the batch, nor load it
 * with a made-up salt (visitors would split), nor commit. So it waits: retrying every
 * second at most, so it resumes within about a second of Postgres answering (kafkajs's
 * own batch retries back off to 30 s), heartbeating so the group keeps its partitions,
 * and saying so in `/readyz`.
 */
import { retryWithBackoff } from '../lib/retry.js';
import type { VisitorSalts } from '../lib/visitor-salts.js';

export interface SaltWaitDeps {
  salts: VisitorSalts;
  /** Keeps the group membership while waiting. */
  heartbeat: () => Promise<void>;
  /** Aborted on shutdown: stop waiting (the batch is then not loaded, nor committed). */
  signal: AbortSignal;
  /** Each failed attempt (to log and to report not-ready); `undefined` once the salts are in. */
  onWaiting: (error: unknown | undefined, attempt: number) => void;
  /** Longest pause between two attempts. */
  maxDelayMs?: number;
}

/** The salt of each day, once Postgres has answered for all of them. */
export async function loadSalts(days: Iterable<string>, deps: SaltWaitDeps): Promise<Map<string, string>> {
  const wanted = [...days];
  let waited = false;
  const salts = await retryWithBackoff(
    () => Promise.all(wanted.map(async (day) => [day, await deps.salts.forDay(day)] as const)),
    {
      signal: deps.signal,
      baseMs: 200,
      maxMs: deps.maxDelayMs ?? 1000,
      onError: (error, attempt) => {
        waited = true;
        deps.onWaiting(error, attempt);
        void deps.heartbeat().catch(() => {});
      },
    },
  );
  if (waited) deps.onWaiting(undefined, 0);
  return new Map(salts);
}
