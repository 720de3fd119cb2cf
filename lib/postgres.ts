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

/**
 * One connected client for short commands (migrate, sites); call `end()` when done.
 * @throws an error naming the (redacted) URL and what to do, when Postgres does not answer.
 */
export async function connectPg(url: string, { connectTimeoutMs = 5000 } = {}): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: connectTimeoutMs });
  // A server that goes away mid-session would emit 'error' and crash the process; the
  // pending query rejects anyway, which is where callers handle it.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `Postgres not reachable at ${redactUrl(url)} (${(error as Error).message}). Start it with "clickstream services up" or set DATABASE_URL.`,
      { cause: error },
    );
  }
  return client;
}

/** Runs `fn` with a fresh client on `url` and closes the client afterwards. */
export async function withPgClient<T>(
  url: string,
  fn: (client: pg.Client) => Promise<T>,
  options: { connectTimeoutMs?: number } = {},
): Promise<T> {
  const client = await connectPg(url, options);
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/** True when the Postgres at `url` connects and answers `SELECT 1` (connect timeout `timeoutMs`). */
export function postgresAnswers(url: string, timeoutMs = 2000): Promise<boolean> {
  return withPgClient(url, async (client) => (await client.query('SELECT 1')).rowCount === 1, {
    connectTimeoutMs: timeoutMs,
  }).catch(() => false);
}

/** The URL with its password replaced, for messages and logs. */
export function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}
