/**
 * The ClickHouse cluster the cluster cases of the stack tests run on, set up by
 * test/global-setup.ts next to the single server: by default two embedded shards (their own
 * data dir and ports, sharing the run's Postgres and Kafka); with CLICKHOUSE_URL and
 * CLICKHOUSE_CLUSTER in the environment, that external cluster instead (the opt-in run
 * against real servers; then the single-server tests use the embedded server).
 */
import path from 'node:path';
import { findFreePort, isPortFree } from '../../local/process-control.js';

/** The environment variables that point the test run at an external cluster. */
export const EXTERNAL_CLUSTER_VARIABLES = ['CLICKHOUSE_URL', 'CLICKHOUSE_CLUSTER', 'CLICKHOUSE_SHARD_URLS'] as const;

/** Whether the environment asks for the cluster cases to run on an external cluster. */
export function externalClusterRequested(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.CLICKHOUSE_URL && env.CLICKHOUSE_CLUSTER);
}

/** A port p with p + 1 .. p + count - 1 free too: node i of an embedded cluster uses p + i. */
export async function findFreePortRange(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = await findFreePort();
    if (base + count > 65535) continue;
    const rest = await Promise.all(Array.from({ length: count - 1 }, (_, i) => isPortFree(base + i + 1)));
    if (rest.every(Boolean)) return base;
  }
  throw new Error(`no ${count} consecutive free ports on 127.0.0.1`);
}

/**
 * The env of the test cluster's `clickstream` processes. `base` is the single server's env
 * with its Postgres and Kafka named explicitly, so the cluster config starts ClickHouse only.
 */
export async function testClusterEnv(
  base: Record<string, string>,
  shared: { databaseUrl: string; kafkaBrokers: string },
  env: NodeJS.ProcessEnv,
): Promise<Record<string, string>> {
  const common = {
    ...base,
    CLICKSTREAM_DATA_DIR: path.join(base.CLICKSTREAM_DATA_DIR!, 'cluster'),
    DATABASE_URL: shared.databaseUrl,
    KAFKA_BROKERS: shared.kafkaBrokers,
  };
  if (externalClusterRequested(env)) {
    const external = Object.fromEntries(
      EXTERNAL_CLUSTER_VARIABLES.flatMap((name) => (env[name] ? [[name, env[name]!]] : [])),
    );
    return { ...common, ...external };
  }
  return {
    ...common,
    LOCAL_CLICKHOUSE_SHARDS: '2',
    LOCAL_CLICKHOUSE_HTTP_PORT: String(await findFreePortRange(2)),
    LOCAL_CLICKHOUSE_TCP_PORT: String(await findFreePortRange(2)),
  };
}
