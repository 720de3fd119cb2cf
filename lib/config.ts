/**
 * Configuration: the environment (and a `.env` file, via dotenv) parsed once with zod
 * into a typed, frozen object. Nothing else in the project reads `process.env`; the
 * object is passed to whatever needs it, so no module's behaviour depends on when it was
 * imported, and a test can hand any configuration to any part.
 *
 * Every variable is documented in `.env.example`. A bad value stops the program at start
 * with a message naming the variable, the value it had and the form it expects.
 */
import path from 'node:path';
import dotenv from 'dotenv';
import { clusterName, clusterSettingsProblem } from './clickhouse-layout.js';
import { type ClickHouseLogin, clickhouseLogins } from './clickhouse-users.js';
import type { z } from 'zod';
import { envSchema } from './env-schema.js';
import type { logLevel } from './env-fields.js';

/** The validated, frozen configuration every role receives. */
export interface Config {
  readonly dataDir: string;
  readonly logLevel: z.infer<typeof logLevel>;
  readonly clickhouse: {
    /** Set when an external server is used; the embedded one is not started then. */
    readonly externalUrl: string | undefined;
    /** Who the roles connect as: CLICKHOUSE_USER, else clickstream_writer (lib/clickhouse-users.ts). */
    readonly user: string;
    readonly password: string;
    /** Who applies migrations and does admin work: CLICKHOUSE_USER, else clickstream_admin. */
    readonly admin: ClickHouseLogin;
    /** The read-only user dashboards connect as. */
    readonly reader: ClickHouseLogin;
    /** The passwords of the users in docker/clickhouse/users.xml; the embedded server gets them. */
    readonly userPasswords: { readonly admin: string; readonly writer: string; readonly reader: string };
    readonly database: string;
    /** Node 1's ports; embedded node i (1-based) listens on these + i - 1. */
    readonly localHttpPort: number;
    readonly localTcpPort: number;
    /** Cluster mode (lib/clickhouse-layout.ts): the cluster's name in remote_servers; undefined = one server. */
    readonly cluster: string | undefined;
    /** Embedded ClickHouse processes to start; 2 or more form a cluster of one replica per shard. */
    readonly localShards: number;
    /** One HTTP URL per shard of an external cluster, for work that must reach each shard directly. */
    readonly shardUrls: readonly string[] | undefined;
    /** Raw events older than this many days expire (unset: kept forever). */
    readonly eventsRetentionDays: number | undefined;
    /** Expired raw events move to this volume instead of being deleted. */
    readonly eventsColdVolume: string | undefined;
  };
  readonly postgres: {
    readonly externalUrl: string | undefined;
    readonly localPort: number;
  };
  readonly kafka: {
    readonly externalBrokers: readonly string[] | undefined;
    readonly clientId: string;
    readonly topicRaw: string;
    readonly topicDlq: string;
    readonly topicPartitions: number;
    readonly consumerGroup: string;
    readonly localPort: number;
    readonly localControllerPort: number;
    readonly localHeapMb: number;
  };
  readonly api: {
    readonly host: string;
    readonly port: number;
    readonly trustProxy: boolean;
    /** Kafka records: one per request, or one for the requests whose sends are merged. */
    readonly recordGrouping: 'request' | 'concurrent';
    /** Where the api's /metrics (and a /healthz) listen: an address of their own, off the ingest port. */
    readonly metricsHost: string;
    readonly metricsPort: number;
    /** Only what the environment sets; api/limits.ts holds the defaults. */
    readonly limits: ApiLimitSettings;
    /** While Postgres is unreachable, known write keys keep their last answer this long. */
    readonly siteCacheStaleMs: number;
    /** Timeouts and the connection cap of the ingest server (slow clients are cut off). */
    readonly http: HttpServerLimits;
  };
  readonly consumer: {
    readonly host: string;
    readonly port: number;
    readonly flushRows: number;
    readonly flushMs: number;
    /** Kafka bytes (message values) that trigger an insert. */
    readonly flushBytes: number;
    readonly uaCacheSize: number;
    /** How long the group waits for a silent (crashed) member before rebalancing its partitions. */
    readonly sessionTimeoutMs: number;
    /** Event times older than this (after skew correction) are replaced by received_at. */
    readonly maxEventAgeMs: number;
  };
  /** Mart builds (etl/): schedule, sessionization, attribution, funnels. */
  readonly etl: {
    readonly concurrency: number;
    /** When the rebuild job runs (graphile-worker cron pattern, UTC). */
    readonly cron: string;
    /** Each scheduled run rebuilds the days touched by the last N hours. */
    readonly lookbackHours: number;
    readonly maxAttempts: number;
    /** Longest a mart build's ClickHouse query may run (a busy day takes minutes). */
    readonly queryTimeoutMs: number;
    readonly sessionGapMinutes: number;
    readonly conversionTypes: readonly string[];
    readonly attributionWindowDays: number;
    readonly heatmapBucketPx: number;
    /** A JSON file of funnel definitions (etl/funnels.ts); unset: no funnels. */
    readonly funnelsFile: string | undefined;
  };
}

export interface HttpServerLimits {
  /** Until the request's headers are in (also: a connection that sends nothing). */
  readonly headersTimeoutMs: number;
  /** Until the whole request, body included, is in. */
  readonly requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  readonly keepAliveTimeoutMs: number;
  /** Connections beyond this are closed as they arrive. */
  readonly maxConnections: number;
}

export interface ApiLimitSettings {
  maxBodyBytes?: number;
  maxPendingSends?: number;
  maxPendingBytes?: number;
  maxEventLoopDelayMs?: number;
  maxEventsPerBatch?: number;
  maxFutureMs?: number;
  backfillWindowMs?: number;
  produceTimeoutMs?: number;
  rateLimit?: {
    perKey?: { perSecond?: number; burst?: number };
    perIp?: { perSecond?: number; burst?: number };
  };
}

/** Drops undefined values so spreading over defaults keeps the defaults. */
function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Thrown for a bad environment; its message lists every offending variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Parses the environment into a {@link Config}. Pure: pass `process.env` (after
 * dotenv has loaded `.env`) or any record in tests.
 * @throws ConfigError naming each bad variable, its value and the expected form.
 */
export function parseConfig(env: Record<string, string | undefined>, cwd = process.cwd()): Config {
  const result = envSchema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? '?');
      const value = env[name];
      return `  ${name}=${JSON.stringify(value ?? '')}: ${issue.message}`;
    });
    throw new ConfigError(`Invalid configuration (see .env.example):\n${lines.join('\n')}`);
  }
  const e = result.data;
  if (e.API_HEADERS_TIMEOUT_MS > e.API_REQUEST_TIMEOUT_MS) {
    // Node refuses such a server: the headers are part of the request.
    throw new ConfigError(
      `Invalid configuration (see .env.example):\n  API_HEADERS_TIMEOUT_MS=${e.API_HEADERS_TIMEOUT_MS}: expected at most API_REQUEST_TIMEOUT_MS (${e.API_REQUEST_TIMEOUT_MS})`,
    );
  }
  if (e.CLICKHOUSE_USER === undefined && e.CLICKHOUSE_PASSWORD !== '') {
    throw new ConfigError(
      'Invalid configuration (see .env.example):\n  CLICKHOUSE_PASSWORD is set but CLICKHOUSE_USER is not: set both (one login for everything), ' +
        'or neither (the roles connect as clickstream_writer with CLICKHOUSE_WRITER_PASSWORD)',
    );
  }
  const clusterProblem = clusterSettingsProblem(e);
  if (clusterProblem) throw new ConfigError(`Invalid configuration (see .env.example):\n  ${clusterProblem}`);
  const userPasswords = {
    admin: e.CLICKHOUSE_ADMIN_PASSWORD,
    writer: e.CLICKHOUSE_WRITER_PASSWORD,
    reader: e.CLICKHOUSE_READER_PASSWORD,
  };
  const logins = clickhouseLogins(
    e.CLICKHOUSE_USER === undefined ? undefined : { user: e.CLICKHOUSE_USER, password: e.CLICKHOUSE_PASSWORD },
    userPasswords,
  );
  const config: Config = {
    dataDir: path.resolve(cwd, e.CLICKSTREAM_DATA_DIR),
    logLevel: e.LOG_LEVEL,
    clickhouse: {
      externalUrl: e.CLICKHOUSE_URL,
      ...logins.roles,
      admin: logins.admin,
      reader: logins.reader,
      userPasswords,
      database: e.CLICKHOUSE_DATABASE,
      localHttpPort: e.LOCAL_CLICKHOUSE_HTTP_PORT,
      localTcpPort: e.LOCAL_CLICKHOUSE_TCP_PORT,
      cluster: clusterName(e),
      localShards: e.LOCAL_CLICKHOUSE_SHARDS,
      shardUrls: e.CLICKHOUSE_SHARD_URLS,
      eventsRetentionDays: e.EVENTS_RETENTION_DAYS,
      eventsColdVolume: e.EVENTS_COLD_VOLUME,
    },
    postgres: { externalUrl: e.DATABASE_URL, localPort: e.LOCAL_POSTGRES_PORT },
    kafka: {
      externalBrokers: e.KAFKA_BROKERS,
      clientId: e.KAFKA_CLIENT_ID,
      topicRaw: e.KAFKA_TOPIC_RAW,
      topicDlq: e.KAFKA_TOPIC_DLQ,
      topicPartitions: e.KAFKA_TOPIC_PARTITIONS,
      consumerGroup: e.KAFKA_CONSUMER_GROUP,
      localPort: e.LOCAL_KAFKA_PORT,
      localControllerPort: e.LOCAL_KAFKA_CONTROLLER_PORT,
      localHeapMb: e.LOCAL_KAFKA_HEAP_MB,
    },
    api: {
      host: e.API_HOST,
      port: e.API_PORT,
      trustProxy: e.API_TRUST_PROXY,
      recordGrouping: e.API_RECORD_GROUPING,
      metricsHost: e.API_METRICS_HOST,
      metricsPort: e.API_METRICS_PORT,
      limits: {
        ...defined({
          maxBodyBytes: e.API_MAX_BODY_BYTES,
          maxEventsPerBatch: e.API_MAX_EVENTS_PER_BATCH,
          maxFutureMs: e.API_MAX_FUTURE_MINUTES && e.API_MAX_FUTURE_MINUTES * 60_000,
          backfillWindowMs: e.API_BACKFILL_WINDOW_HOURS && e.API_BACKFILL_WINDOW_HOURS * 3_600_000,
          produceTimeoutMs: e.API_PRODUCE_TIMEOUT_MS,
          maxPendingSends: e.API_MAX_PENDING_SENDS,
          maxPendingBytes: e.API_MAX_PENDING_BYTES,
          maxEventLoopDelayMs: e.API_MAX_EVENT_LOOP_DELAY_MS,
        }),
        rateLimit: {
          perKey: defined({ perSecond: e.API_RATE_PER_KEY, burst: e.API_RATE_BURST_PER_KEY }),
          perIp: defined({ perSecond: e.API_RATE_PER_IP, burst: e.API_RATE_BURST_PER_IP }),
        },
      },
      siteCacheStaleMs: e.API_SITE_CACHE_STALE_S * 1000,
      http: {
        headersTimeoutMs: e.API_HEADERS_TIMEOUT_MS,
        requestTimeoutMs: e.API_REQUEST_TIMEOUT_MS,
        keepAliveTimeoutMs: e.API_KEEPALIVE_TIMEOUT_MS,
        maxConnections: e.API_MAX_CONNECTIONS,
      },
    },
    consumer: {
      host: e.CONSUMER_HOST,
      port: e.CONSUMER_PORT,
      flushRows: e.CONSUMER_FLUSH_ROWS,
      flushMs: e.CONSUMER_FLUSH_MS,
      flushBytes: e.CONSUMER_FLUSH_BYTES,
      uaCacheSize: e.CONSUMER_UA_CACHE_SIZE,
      sessionTimeoutMs: e.CONSUMER_SESSION_TIMEOUT_MS,
      maxEventAgeMs: e.CONSUMER_MAX_EVENT_AGE_DAYS * 86_400_000,
    },
    etl: {
      concurrency: e.ETL_CONCURRENCY,
      cron: e.ETL_CRON,
      lookbackHours: e.ETL_LOOKBACK_HOURS,
      maxAttempts: e.ETL_MAX_ATTEMPTS,
      queryTimeoutMs: e.ETL_QUERY_TIMEOUT_S * 1000,
      sessionGapMinutes: e.ETL_SESSION_GAP_MINUTES,
      conversionTypes: e.ETL_CONVERSION_TYPES,
      attributionWindowDays: e.ETL_ATTRIBUTION_WINDOW_DAYS,
      heatmapBucketPx: e.ETL_HEATMAP_BUCKET_PX,
      funnelsFile: e.ETL_FUNNELS_FILE === undefined ? undefined : path.resolve(cwd, e.ETL_FUNNELS_FILE),
    },
  };
  return deepFreeze(config);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/**
 * The configuration of this process: loads `.env` from the working directory (variables
 * already in the environment win over it), then parses the environment. The one place the
 * program reads `process.env`; commands and scripts call it once, at start. `overrides` are
 * a command's flags that stand for a variable (`start --shards 2`: LOCAL_CLICKHOUSE_SHARDS).
 * @throws ConfigError as {@link parseConfig}.
 */
export function loadConfig(overrides: Record<string, string> = {}): Config {
  dotenv.config({ quiet: true });
  return parseConfig({ ...process.env, ...overrides });
}
