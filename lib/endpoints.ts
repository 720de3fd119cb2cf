/**
 * Where the services are: one value, resolved once from the config, that every role and
 * command receives. An external service named in the environment (CLICKHOUSE_URL,
 * DATABASE_URL, KAFKA_BROKERS) wins; otherwise the embedded one on its configured loopback
 * port (local/ starts those, at exactly these addresses).
 *
 * ClickHouse is a list of nodes: one entry for one server or an external cluster (reached
 * through the node CLICKHOUSE_URL names; `ON CLUSTER` spreads DDL from there), one per
 * process of the embedded cluster (LOCAL_CLICKHOUSE_SHARDS), which has no DDL worker, so
 * the work that must reach every shard is sent to each of these. Queries and inserts go to
 * the first: its Distributed tables reach the others.
 */
import type { Config } from './config.js';

export interface Endpoints {
  /** HTTP URL of each ClickHouse node; never empty. */
  readonly clickhouseUrls: readonly [string, ...string[]];
  /** The Postgres connection URL (sites, visitor salts, graphile-worker's queue). */
  readonly databaseUrl: string;
  /** Kafka bootstrap brokers as host:port. */
  readonly kafkaBrokers: readonly string[];
}

/** The embedded Postgres's role, password and database (a loopback-only, local service). */
export const EMBEDDED_POSTGRES = { user: 'clickstream', password: 'clickstream', database: 'clickstream' } as const;

/** The URL of the embedded ClickHouse's HTTP interface on `port`. */
export function embeddedClickHouseUrl(port: number): string {
  return `http://127.0.0.1:${port}`;
}

/** The URL of the embedded Postgres on `port`, for `database` (default: the project's). */
export function embeddedPostgresUrl(port: number, database: string = EMBEDDED_POSTGRES.database): string {
  return `postgres://${EMBEDDED_POSTGRES.user}:${EMBEDDED_POSTGRES.password}@127.0.0.1:${port}/${database}`;
}

/** The broker address of the embedded Kafka on `port`. */
export function embeddedKafkaBroker(port: number): string {
  return `127.0.0.1:${port}`;
}

/** Node i (0-based) of the embedded cluster listens on the configured ports + i. */
export function embeddedNodePorts(
  config: Pick<Config, 'clickhouse'>,
  index: number,
): { httpPort: number; tcpPort: number } {
  return { httpPort: config.clickhouse.localHttpPort + index, tcpPort: config.clickhouse.localTcpPort + index };
}

function clickhouseUrls(config: Config): readonly [string, ...string[]] {
  if (config.clickhouse.externalUrl !== undefined) return [config.clickhouse.externalUrl];
  const [first, ...rest] = Array.from({ length: config.clickhouse.localShards }, (_, i) =>
    embeddedClickHouseUrl(embeddedNodePorts(config, i).httpPort),
  );
  return [first!, ...rest];
}

/** Where each service is, external or embedded, without starting or probing anything. */
export function resolveEndpoints(config: Config): Endpoints {
  return {
    clickhouseUrls: clickhouseUrls(config),
    databaseUrl: config.postgres.externalUrl ?? embeddedPostgresUrl(config.postgres.localPort),
    kafkaBrokers: [...(config.kafka.externalBrokers ?? [embeddedKafkaBroker(config.kafka.localPort)])],
  };
}
