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
import { resolveEndpoints } from '../lib/endpoints.js';
import { findFreePort } from '../local/process-control.js';
import { ensureServices, type RunningServices } from '../local/services.js';
import { applySchema } from '../migrations/apply.js';
import { externalClusterRequested, testClusterEnv } from './support/test-cluster.js';

declare module 'vitest' {
  export interface ProvidedContext {
    clickhouseUrl: string;
    databaseUrl: string;
    kafkaBrokers: string[];
    /** Environment that points a `clickstream` process at the test services. */
    testEnv: Record<string, string>;
    /** The same, with ClickHouse the test cluster (test/support/test-cluster.ts). */
    clusterEnv: Record<string, string>;
  }
}

let services: RunningServices | undefined;
let cluster: RunningServices | undefined;
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
  // An external cluster (CLICKHOUSE_URL + CLICKHOUSE_CLUSTER) is the cluster cases' target;
  // the single-server cases then run on the embedded server.
  const externalCluster = externalClusterRequested(process.env);
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
    if (externalCluster && name === 'CLICKHOUSE_URL') continue;
    if (process.env[name]) env[name] = process.env[name]!;
  }
  const config = parseConfig(env);
  const planned = resolveEndpoints(config);
  const clusterEnv = await testClusterEnv(
    env,
    { databaseUrl: planned.databaseUrl, kafkaBrokers: planned.kafkaBrokers.join(',') },
    process.env,
  );
  const clusterConfig = parseConfig(clusterEnv);
  const log = (message: string) => process.stderr.write(`[test services] ${message}\n`);
  const started = Date.now();
  try {
    // the cluster's nodes start beside the others; its schema needs Postgres and Kafka up
    const [main, nodes] = await Promise.allSettled([
      ensureServices(config, { log, owner: process.pid }),
      ensureServices(clusterConfig, { log, owner: process.pid }),
    ]);
    if (main.status === 'fulfilled') services = main.value;
    if (nodes.status === 'fulfilled') cluster = nodes.value;
    if (main.status === 'rejected') throw main.reason;
    if (nodes.status === 'rejected') throw nodes.reason;
    await applySchema(config, services!.endpoints, () => {});
    await applySchema(clusterConfig, cluster!.endpoints, () => {});
  } catch (error) {
    await teardown();
    throw error;
  }
  log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const { clickhouseUrls, databaseUrl, kafkaBrokers } = services!.endpoints;
  const clickhouseUrl = clickhouseUrls[0];
  project.provide('clickhouseUrl', clickhouseUrl);
  project.provide('databaseUrl', databaseUrl);
  project.provide('kafkaBrokers', [...kafkaBrokers]);
  project.provide('clusterEnv', clusterEnv);
  project.provide('testEnv', {
    ...env,
    CLICKHOUSE_URL: clickhouseUrl,
    DATABASE_URL: databaseUrl,
    KAFKA_BROKERS: kafkaBrokers.join(','),
  });
}

export async function teardown(): Promise<void> {
  await cluster?.stop();
  await services?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
}
