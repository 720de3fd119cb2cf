/**
 * ClickHouse client construction. One place decides how every role talks to ClickHouse,
 * embedded or external.
 */
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import type { Config } from './config.js';
import type { Endpoints } from './endpoints.js';

export type { ClickHouseClient };

export interface ClickHouseTarget {
  url: string;
  user: string;
  password: string;
  /** Omit for work that must run before the database exists (CREATE DATABASE). */
  database?: string;
  /** How long one request may take; default 60 s. Mart builds need far longer. */
  requestTimeoutMs?: number;
}

/**
 * The client target for the configured ClickHouse: the first node of `endpoints`, the user,
 * password and database of the config. `overrides` changes one of them (a longer request
 * timeout for mart builds, no database for CREATE DATABASE).
 */
export function clickhouseTarget(
  config: Pick<Config, 'clickhouse'>,
  endpoints: Pick<Endpoints, 'clickhouseUrls'>,
  overrides: Partial<ClickHouseTarget> = {},
): ClickHouseTarget {
  return {
    url: endpoints.clickhouseUrls[0],
    user: config.clickhouse.user,
    password: config.clickhouse.password,
    database: config.clickhouse.database,
    ...overrides,
  };
}

/** A client for `target`; `settings` are sent with every request (on top of the date format). */
export function createClickHouse(target: ClickHouseTarget, settings: Record<string, unknown> = {}): ClickHouseClient {
  return createClient({
    url: target.url,
    username: target.user,
    password: target.password,
    ...(target.database ? { database: target.database } : {}),
    request_timeout: target.requestTimeoutMs ?? 60_000,
    // The client would print every failed request to the console; our callers log
    // failures themselves, structured and with context (which batch, which mart).
    log: { level: ClickHouseLogLevel.OFF },
    clickhouse_settings: {
      // DateTime64 values cross the wire as 'YYYY-MM-DD hh:mm:ss.sss' in UTC both ways.
      date_time_input_format: 'best_effort',
      // In cluster mode (no effect on one server): an insert into a Distributed table answers
      // once every shard has stored its rows, so what is committed after it (Kafka offsets, a
      // partition swap) never runs ahead of the data; the default queues them on disk and
      // answers at once.
      distributed_foreground_insert: 1,
      // ClickHouse 26.7 runs `INSERT INTO <Distributed> SELECT … FROM <Distributed>` on each
      // shard alone by default, so a distinct count would be summed per shard. Marts count
      // distinct visitors over the whole cluster: the query runs where it was sent.
      parallel_distributed_insert_select: '0',
      ...settings,
    },
  });
}
