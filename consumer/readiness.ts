/**
 * The consumer's readiness: it holds partitions and its loads are succeeding. `/healthz`
 * only says the process lives; a consumer that waits ~30 s for a rebalance after a crash,
 * or whose inserts fail while ClickHouse is down, is alive but loads nothing, and `/readyz`
 * must say so and say why.
 *
 * Fed by the consumer loop (group joins, rebalances, crashes, fetches), the flush loader
 * (insert outcomes) and the salt lookup (waiting for Postgres). Pure state: the clock is
 * injected, nothing here does I/O.
 */
import type { ReadinessReport } from '../lib/readiness.js';

export interface ConsumerReadiness {
  /** The group gave this member its partitions (0 while joining, rebalancing or crashed). */
  assigned(partitions: number, why?: string): void;
  /** A fetch from Kafka completed (with or without messages). */
  fetched(): void;
  insertSucceeded(): void;
  insertFailed(error: unknown): void;
  /** Waiting for a visitor salt from Postgres (error), or no longer (undefined). */
  saltWaiting(error: unknown | undefined): void;
  report(): ReadinessReport;
}

export interface ConsumerReadinessOptions {
  /** Not ready when neither a fetch nor an insert completed for this long. */
  stallMs?: number;
  now?: () => number;
}

export function createConsumerReadiness({
  stallMs = 10_000,
  now = Date.now,
}: ConsumerReadinessOptions = {}): ConsumerReadiness {
  let partitions = 0;
  let groupDetail = 'joining the consumer group';
  let lastProgress = now();
  let insertError: string | undefined;
  let saltError: string | undefined;

  return {
    assigned(n, why) {
      partitions = n;
      groupDetail = n > 0 ? `holds ${n} partitions` : (why ?? 'holds no partitions');
      if (n > 0) lastProgress = now();
    },
    fetched() {
      lastProgress = now();
    },
    insertSucceeded() {
      insertError = undefined;
      lastProgress = now();
    },
    insertFailed(error) {
      insertError = message(error);
    },
    saltWaiting(error) {
      saltError = error === undefined ? undefined : message(error);
    },
    report() {
      const stalledS = Math.round((now() - lastProgress) / 1000);
      const kafka =
        partitions === 0
          ? { ok: false, detail: groupDetail, partitions }
          : stalledS * 1000 >= stallMs
            ? { ok: false, detail: `${groupDetail} but fetched and loaded nothing for ${stalledS} s`, partitions }
            : { ok: true, detail: groupDetail, partitions };
      const clickhouse =
        insertError === undefined
          ? { ok: true, detail: 'inserts succeeding' }
          : { ok: false, detail: `inserts failing, retried: ${insertError}` };
      const postgres =
        saltError === undefined
          ? { ok: true, detail: 'visitor salts loaded' }
          : { ok: false, detail: `waiting for the day's visitor salt: ${saltError}` };
      return { ready: kafka.ok && clickhouse.ok && postgres.ok, dependencies: { kafka, clickhouse, postgres } };
    },
  };
}

function message(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 300);
}
