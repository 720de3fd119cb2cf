/**
 * Where the services are: one value, resolved once from the config, that every role and
 * command receives. An external service named in the environment (CLICKHOUSE_URL,
 * DATABASE_URL, KAFKA_BROKERS) wins; otherwise the embedded one on its configured loopback
 * port (local/ starts those, at exactly these addresses).
 *
 * ClickHouse is a list of nodes so that a cluster can be named without changing what the
 * roles receive; with one server it has one entry, and single-node work (DDL, inserts
 * today) goes to the first.
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

/** Where each service is, external or embedded, without starting or probing anything. */
export function resolveEndpoints(config: Config): Endpoints {
  return {
    clickhouseUrls: [config.clickhouse.externalUrl ?? embeddedClickHouseUrl(config.clickhouse.localHttpPort)],
    databaseUrl: config.postgres.externalUrl ?? embeddedPostgresUrl(config.postgres.localPort),
    kafkaBrokers: [...(config.kafka.externalBrokers ?? [embeddedKafkaBroker(config.kafka.localPort)])],
  };
}
