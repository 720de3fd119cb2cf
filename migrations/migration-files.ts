/**
 * The migration files: `NNNN_name.sql`, read in order, each with the sha256 checksum that
 * is recorded when it is applied, so a file edited afterwards is refused.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const MIGRATIONS_DIR = path.dirname(fileURLToPath(import.meta.url));
const FILE_NAME = /^(\d{4})_([a-z0-9_]+)\.sql$/;

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

export interface Applied {
  version: number;
  checksum: string;
}

/** Returns the migrations still to apply; throws if an applied one was edited. */
export function pending(target: string, all: Migration[], applied: Applied[]): Migration[] {
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
