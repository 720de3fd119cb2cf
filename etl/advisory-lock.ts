/**
 * Serialises builds of the same (mart, day) across every ETL process: a Postgres
 * session advisory lock, held on one pooled connection for the build. ClickHouse has no
 * locks, and a mart's staging table is shared, so two builds of the same day must not
 * interleave; builds of other days or marts run in parallel. A second build waits (it
 * does not skip): it may have been asked for because late events arrived meanwhile.
 */
import type pg from 'pg';
import { dayStart, type Day } from './day-window.js';

/** Runs `fn` holding the lock of (mart, day); the lock goes with the connection if it dies. */
export async function withBuildLock<T>(pool: pg.Pool, mart: string, day: Day, fn: () => Promise<T>): Promise<T> {
  const dayNumber = Math.floor(dayStart(day).getTime() / 86_400_000);
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    // hashtext: a stable int4 per mart; the day is the second key of the pair.
    await client.query('SELECT pg_advisory_lock(hashtext($1), $2)', [`clickstream-etl:${mart}`, dayNumber]);
    try {
      return await fn();
    } finally {
      await client
        .query('SELECT pg_advisory_unlock(hashtext($1), $2)', [`clickstream-etl:${mart}`, dayNumber])
        .catch((error: Error) => {
          broken = error; // do not return a connection that may still hold the lock
        });
    }
  } finally {
    client.release(broken);
  }
}
