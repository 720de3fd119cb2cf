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
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { type ClickHouseClient, type ClickHouseTarget, createClickHouse } from '../lib/clickhouse.js';
import { splitStatements } from './sql-statements.js';

export const MIGRATIONS_DIR = path.dirname(fileURLToPath(import.meta.url));
const FILE_NAME = /^(\d{4})_([a-z0-9_]+)\.sql$/;
/** Any constant both processes agree on; "clickstream-migrate" as two int4s. */
const LOCK_KEY = [0x636c6963, 0x6d696772] as const;

export interface Migration {
  version: number;
  name: string;
  file: string;
  sql: string;
  checksum: string;
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

/** Reads and orders the `NNNN_name.sql` files of a folder; rejects bad names and duplicates. */
export function readMigrations(dir: string): Migration[] {
  if (!fs.existsSync(dir)) return [];
  const migrations = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .map((file) => {
      const match = FILE_NAME.exec(file);
      if (!match) throw new MigrationError(`${path.join(dir, file)}: expected a name like 0002_add_marts.sql`);
      const sql = fs.readFileSync(path.join(dir, file), 'utf8');
      return {
        version: Number(match[1]),
        name: match[2]!,
        file,
        sql,
        checksum: createHash('sha256').update(sql).digest('hex'),
      };
    })
    .sort((a, b) => a.version - b.version);
  for (let i = 1; i < migrations.length; i++) {
    if (migrations[i]!.version === migrations[i - 1]!.version) {
      throw new MigrationError(
        `two migrations share version ${migrations[i]!.version} in ${dir}: ${migrations[i - 1]!.file}, ${migrations[i]!.file}`,
      );
    }
  }
  return migrations;
}

interface Applied {
  version: number;
  checksum: string;
}

/** Returns the migrations still to apply; throws if an applied one was edited. */
function pending(target: string, all: Migration[], applied: Applied[]): Migration[] {
  const byVersion = new Map(applied.map((a) => [a.version, a.checksum]));
  for (const m of all) {
    const recorded = byVersion.get(m.version);
    if (recorded !== undefined && recorded !== m.checksum) {
      throw new MigrationError(
        `${target} migration ${m.file} was edited after it was applied (checksum ${m.checksum.slice(0, 12)}, ` +
          `recorded ${recorded.slice(0, 12)}). Restore the file and put the change in a new migration.`,
      );
    }
  }
  return all.filter((m) => !byVersion.has(m.version));
}

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

async function migrateClickHouse(
  target: ClickHouseTarget & { database: string },
  dir: string,
  log: (m: string) => void,
): Promise<string[]> {
  const { database } = target;
  // A client naming a database that does not exist yet is refused, so create it first
  // with a client that names none. `database` is a checked identifier (lib/config.ts).
  const server = createClickHouse({ ...target, database: undefined });
  try {
    await server.command({ query: `CREATE DATABASE IF NOT EXISTS ${database}` });
  } finally {
    await server.close();
  }
  const clickhouse = createClickHouse(target);
  try {
    return await applyClickHouse(clickhouse, database, dir, log);
  } finally {
    await clickhouse.close();
  }
}

async function applyClickHouse(
  clickhouse: ClickHouseClient,
  database: string,
  dir: string,
  log: (m: string) => void,
): Promise<string[]> {
  await clickhouse.command({
    query: `CREATE TABLE IF NOT EXISTS ${database}.schema_migrations (
      version UInt32, name String, checksum String, applied_at DateTime64(3, 'UTC') DEFAULT now64(3))
      ENGINE = MergeTree ORDER BY version`,
  });
  const result = await clickhouse.query({
    query: `SELECT version, checksum FROM ${database}.schema_migrations ORDER BY version`,
    format: 'JSONEachRow',
  });
  const applied = await result.json<Applied>();
  const done: string[] = [];
  for (const m of pending('clickhouse', readMigrations(dir), applied)) {
    for (const statement of splitStatements(m.sql)) {
      try {
        await clickhouse.command({ query: statement, clickhouse_settings: { wait_end_of_query: 1 } });
      } catch (error) {
        throw new MigrationError(
          `clickhouse migration ${m.file} failed: ${(error as Error).message}\n  in: ${statement.slice(0, 200)}`,
        );
      }
    }
    await clickhouse.insert({
      table: `${database}.schema_migrations`,
      values: [{ version: m.version, name: m.name, checksum: m.checksum }],
      format: 'JSONEachRow',
    });
    log(`migrate: clickhouse ${m.file} applied`);
    done.push(m.file);
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
}): Promise<{ applied: string[] }> {
  const dir = deps.dir ?? MIGRATIONS_DIR;
  const { postgres } = deps;
  await postgres.query('SELECT pg_advisory_lock($1, $2)', [...LOCK_KEY]);
  try {
    const applied = [
      ...(await migratePostgres(postgres, path.join(dir, 'postgres'), deps.log)),
      ...(await migrateClickHouse(deps.clickhouse, dir, deps.log)),
    ];
    return { applied };
  } finally {
    await postgres.query('SELECT pg_advisory_unlock($1, $2)', [...LOCK_KEY]).catch(() => {});
  }
}
