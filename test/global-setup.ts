/**
 * Starts the embedded services for the test run on free ports, with a data dir of its own
 * (so `npm test` never touches the data of a running `npm start`), applies the migrations,
 * and hands the endpoints to the tests via `inject()`. Teardown stops them and removes the
 * data dir, also when tests failed.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { parseConfig } from '../lib/config.js';
import { findFreePort } from '../local/process-control.js';
import { ensureServices, type RunningServices } from '../local/services.js';
import { applySchema } from '../migrations/apply.js';

declare module 'vitest' {
  export interface ProvidedContext {
    clickhouseUrl: string;
    databaseUrl: string;
    kafkaBrokers: string[];
    /** Environment that points a `clickstream` process at the test services. */
    testEnv: Record<string, string>;
  }
}

let services: RunningServices | undefined;
let dataDir = '';

export async function setup(project: TestProject): Promise<void> {
  dataDir = path.resolve('.test-data', `run-${process.pid}`);
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o755 });
  const env: Record<string, string> = {
    CLICKSTREAM_DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    LOCAL_CLICKHOUSE_HTTP_PORT: String(await findFreePort()),
    LOCAL_CLICKHOUSE_TCP_PORT: String(await findFreePort()),
    LOCAL_POSTGRES_PORT: String(await findFreePort()),
    LOCAL_KAFKA_PORT: String(await findFreePort()),
    LOCAL_KAFKA_CONTROLLER_PORT: String(await findFreePort()),
  };
  // External services, when the environment names them, are used as they are (with the
  // ClickHouse logins the environment gives; the embedded server has the local defaults).
  for (const name of [
    'CLICKHOUSE_URL',
    'DATABASE_URL',
    'KAFKA_BROKERS',
    'CLICKHOUSE_USER',
    'CLICKHOUSE_PASSWORD',
    'CLICKHOUSE_ADMIN_PASSWORD',
    'CLICKHOUSE_WRITER_PASSWORD',
    'CLICKHOUSE_READER_PASSWORD',
  ]) {
    if (process.env[name]) env[name] = process.env[name]!;
  }
  const config = parseConfig(env);
  const log = (message: string) => process.stderr.write(`[test services] ${message}\n`);
  const started = Date.now();
  services = await ensureServices(config, { log, owner: process.pid });
  try {
    await applySchema(config, services.endpoints, () => {});
  } catch (error) {
    await teardown();
    throw error;
  }
  log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const { clickhouseUrls, databaseUrl, kafkaBrokers } = services.endpoints;
  const clickhouseUrl = clickhouseUrls[0];
  project.provide('clickhouseUrl', clickhouseUrl);
  project.provide('databaseUrl', databaseUrl);
  project.provide('kafkaBrokers', [...kafkaBrokers]);
  project.provide('testEnv', {
    ...env,
    CLICKHOUSE_URL: clickhouseUrl,
    DATABASE_URL: databaseUrl,
    KAFKA_BROKERS: kafkaBrokers.join(','),
  });
}

export async function teardown(): Promise<void> {
  await services?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
}
