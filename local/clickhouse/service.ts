/**
 * The embedded ClickHouse: libchdb from the `chdb` npm package, served over HTTP and the
 * native protocol by `server-process.ts` in a child process.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { embeddedClickHouseUrl } from '../../lib/endpoints.js';
import { type ClickHouseRole, PASSWORD_VARIABLES } from '../../lib/clickhouse-users.js';
import type { EmbeddedService } from '../embedded-service.js';
import { isPortFree } from '../process-control.js';
import { answers } from '../probes.js';
import type { ServerProcessArgs } from './server-process.js';
import { type ServerConfigOptions, USERS_FILE, writeServerConfig } from './server-config.js';

const require = createRequire(import.meta.url);

/** Finds libchdb.so in the platform package chdb installed (e.g. @chdb/lib-linux-x64-gnu). */
export function findLibchdb(): string {
  const platform = os.platform();
  const suffix = platform === 'linux' ? '-gnu' : '';
  const pkg = `@chdb/lib-${platform}-${os.arch()}${suffix}`;
  let dir: string;
  try {
    dir = path.dirname(require.resolve(`${pkg}/package.json`));
  } catch {
    throw new Error(
      `ClickHouse library missing: the package ${pkg} (installed by the "chdb" dependency) was not found. ` +
        'Run "npm install" again, or set CLICKHOUSE_URL to use an external ClickHouse.',
    );
  }
  const library = path.join(dir, 'libchdb.so');
  if (!fs.existsSync(library)) {
    throw new Error(
      `ClickHouse library missing: ${library} does not exist. Reinstall with "npm install" or set CLICKHOUSE_URL.`,
    );
  }
  return library;
}

/**
 * The server runs with the users of docker/clickhouse/users.xml (admin, writer, read-only
 * reader; `passwords` become the environment variables that file reads), through a
 * `--config-file` written into `<dataDir>/clickhouse-config/` at each start.
 * `remoteServers` adds a cluster definition to that same config.
 */
export function clickhouseService(options: {
  dataDir: string;
  httpPort: number;
  tcpPort: number;
  passwords: Readonly<Record<ClickHouseRole, string>>;
  usersFile?: string;
  remoteServers?: ServerConfigOptions['remoteServers'];
  /** Node N of the embedded cluster: named clickhouse-shardN, with a data dir of that name. */
  node?: number;
}): EmbeddedService {
  const name = options.node === undefined ? 'clickhouse' : (`clickhouse-shard${options.node}` as const);
  const dataDir = path.join(options.dataDir, name);
  const configDir = path.join(options.dataDir, `${name}-config`);
  // node N listens on the configured ports + N - 1
  const portNote =
    options.node === undefined || options.node === 1 ? '' : ` (node ${options.node} uses it + ${options.node - 1})`;
  let configFile = '';
  const url = embeddedClickHouseUrl(options.httpPort);
  let library = '';
  return {
    name,
    endpoint: url,
    stopSignal: 'SIGTERM',
    readyTimeoutMs: 60_000,
    async preflight() {
      library = findLibchdb();
      try {
        fs.mkdirSync(dataDir, { recursive: true });
        fs.accessSync(dataDir, fs.constants.W_OK);
      } catch (error) {
        throw new Error(
          `ClickHouse data dir ${dataDir} is not writable (${(error as Error).message}); set CLICKSTREAM_DATA_DIR to a writable folder.`,
        );
      }
      for (const [port, variable] of [
        [options.httpPort, 'LOCAL_CLICKHOUSE_HTTP_PORT'],
        [options.tcpPort, 'LOCAL_CLICKHOUSE_TCP_PORT'],
      ] as const) {
        if (!(await isPortFree(port))) {
          throw new Error(
            `ClickHouse cannot listen: port ${port} on 127.0.0.1 is taken by another process; stop it or set ${variable}${portNote}.`,
          );
        }
      }
    },
    async prepare() {
      configFile = writeServerConfig(configDir, {
        usersFile: options.usersFile ?? USERS_FILE,
        ...(options.remoteServers ? { remoteServers: options.remoteServers } : {}),
      });
    },
    command() {
      const args: ServerProcessArgs = {
        library,
        dataDir,
        httpPort: options.httpPort,
        tcpPort: options.tcpPort,
        configFile,
      };
      const tsx = pathToFileURL(require.resolve('tsx')).href;
      const entry = fileURLToPath(new URL('./server-process.ts', import.meta.url));
      // users.xml reads each password with from_env
      const passwords = Object.fromEntries(
        (Object.keys(PASSWORD_VARIABLES) as ClickHouseRole[]).map((role) => [
          PASSWORD_VARIABLES[role],
          options.passwords[role],
        ]),
      );
      return {
        file: process.execPath,
        args: ['--import', tsx, entry, JSON.stringify(args)],
        env: { ...process.env, ...passwords },
      };
    },
    isReady: () => answers(name, url),
  };
}
