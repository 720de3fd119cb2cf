/**
 * Applies the migrations in order, each once:
 * - `migrations/NNNN_name.sql` to ClickHouse, recorded in `<db>.schema_migrations`;
 * - `migrations/postgres/NNNN_name.sql` to Postgres, recorded in `clickstream.schema_migrations`.
 *
 * Each applied file is recorded with a sha256 checksum; a file edited after it was
 * applied is refused (write a new migration instead). Two processes migrating at once
 * are serialised by a Postgres advisory lock: ClickHouse has no transactions or locks of
 * its own, and every deployment of clickstream has Postgres (graphile-worker needs it).
 * ClickHouse DDL is not transactional, so ClickHouse migrations are written to be
 * re-runnable (IF NOT EXISTS): a file that failed halfway is finished by the next run.
 * In cluster mode the same files are rendered for the cluster (cluster-ddl.ts) and applied
 * to every node (clickhouse-migrations.ts).
 */
import path from 'node:path';
import type pg from 'pg';
import type { ClickHouseTarget } from '../lib/clickhouse.js';
import type { ClickHouseLayout } from '../lib/clickhouse-layout.js';
import { migrateClickHouse } from './clickhouse-migrations.js';
import { type Applied, MIGRATIONS_DIR, MigrationError, pending, readMigrations } from './migration-files.js';

export { MIGRATIONS_DIR, MigrationError, type Migration, readMigrations } from './migration-files.js';

/** Any constant both processes agree on; "clickstream-migrate" as two int4s. */
const LOCK_KEY = [0x636c6963, 0x6d696772] as const;

async function migratePostgres(client: pg.Client, dir: string, log: (m: string) => void): Promise<string[]> {
  await client.query('CREATE SCHEMA IF NOT EXISTS clickstream');
  await client.query(`CREATE TABLE IF NOT EXISTS clickstream.schema_migrations (
    version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
  const applied = (await client.query<Applied>('SELECT version, checksum FROM clickstream.schema_migrations')).rows;
  const done: string[] = [];
  for (const m of pending('postgres', readMigrations(dir), applied)) {
    // Postgres DDL is transactional: a migration applies whole or not at all.
    await client.query('BEGIN');
    try {
      await client.query(m.sql);
      await client.query('INSERT INTO clickstream.schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
        m.version,
        m.name,
        m.checksum,
      ]);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw new MigrationError(`postgres migration ${m.file} failed: ${(error as Error).message}`);
    }
    log(`migrate: postgres ${m.file} applied`);
    done.push(`postgres/${m.file}`);
  }
  return done;
}

/**
 * Runs all pending migrations, Postgres first (the sites table) then ClickHouse. The
 * ClickHouse files name tables without a database: `clickhouse.database`
 * (CLICKHOUSE_DATABASE) decides where they go.
 */
export async function migrate(deps: {
  clickhouse: ClickHouseTarget & { database: string };
  postgres: pg.Client;
  log: (message: string) => void;
  dir?: string;
  /** Default: one server. */
  layout?: ClickHouseLayout;
  /** Every node's URL (the embedded cluster's DDL goes to each); default: the target's. */
  nodeUrls?: readonly string[];
}): Promise<{ applied: string[] }> {
  const dir = deps.dir ?? MIGRATIONS_DIR;
  const { postgres } = deps;
  await postgres.query('SELECT pg_advisory_lock($1, $2)', [...LOCK_KEY]);
  try {
    const applied = [
      ...(await migratePostgres(postgres, path.join(dir, 'postgres'), deps.log)),
      ...(await migrateClickHouse(
        {
          target: deps.clickhouse,
          layout: deps.layout ?? { kind: 'single' },
          nodeUrls: deps.nodeUrls ?? [deps.clickhouse.url],
        },
        dir,
        deps.log,
      )),
    ];
    return { applied };
  } finally {
    await postgres.query('SELECT pg_advisory_unlock($1, $2)', [...LOCK_KEY]).catch(() => {});
  }
}
