/**
 * Postgres connections (sites, visitor salts, graphile-worker's queue).
 */
import pg from 'pg';

export type { Pool, Client } from 'pg';

/**
 * A pool for long-running roles. A lost connection is logged, never fatal: the pool handles
 * errors of idle clients, and each client gets its own handler while checked out (an
 * 'error' event with no listener would crash the process when Postgres restarts).
 * graphile-worker checks for both handlers and prints a plain-text warning without them.
 */
export function createPgPool(url: string, onError: (error: Error) => void = () => {}, max = 5): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: 5000, idleTimeoutMillis: 30_000 });
  pool.on('error', onError);
  pool.on('connect', (client) => client.on('error', onError));
  return pool;
}

/** One connected client for short commands (migrate, sites); call `end()` when done. */
export async function connectPg(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `Postgres not reachable at ${redactUrl(url)} (${(error as Error).message}). Start it with "clickstream services up" or set DATABASE_URL.`,
    );
  }
  return client;
}

/** The URL with its password replaced, for messages and logs. */
export function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}
