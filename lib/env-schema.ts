/**
 * Every environment variable the program reads, as one zod object: its name, default and
 * the form it must have. `lib/config.ts` parses the environment with it and turns the
 * result into the typed, frozen configuration; `.env.example` documents each variable (a
 * test keeps the two in sync).
 */
import { z } from 'zod';
import { LOCAL_PASSWORDS } from './clickhouse-users.js';
import {
  bool,
  brokerList,
  httpUrl,
  httpUrlList,
  logLevel,
  optionalIdentifier,
  optionalPositive,
  optionalString,
  password,
  port,
  positiveInt,
  postgresUrl,
} from './env-fields.js';

export const envSchema = z.object({
  CLICKSTREAM_DATA_DIR: z.string().default('.data'),
  LOG_LEVEL: logLevel,

  CLICKHOUSE_URL: httpUrl,
  CLICKHOUSE_USER: optionalString,
  CLICKHOUSE_PASSWORD: z.string().default(''),
  CLICKHOUSE_ADMIN_PASSWORD: password(LOCAL_PASSWORDS.admin),
  CLICKHOUSE_WRITER_PASSWORD: password(LOCAL_PASSWORDS.writer),
  CLICKHOUSE_READER_PASSWORD: password(LOCAL_PASSWORDS.reader),
  CLICKHOUSE_DATABASE: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected a plain identifier such as clickstream')
    .default('clickstream'),
  LOCAL_CLICKHOUSE_HTTP_PORT: port(18123),
  LOCAL_CLICKHOUSE_TCP_PORT: port(19000),
  CLICKHOUSE_CLUSTER: optionalIdentifier,
  CLICKHOUSE_SHARD_URLS: httpUrlList,
  LOCAL_CLICKHOUSE_SHARDS: positiveInt(1),

  DATABASE_URL: postgresUrl,
  LOCAL_POSTGRES_PORT: port(15432),

  KAFKA_BROKERS: brokerList,
  KAFKA_CLIENT_ID: z.string().default('clickstream'),
  KAFKA_TOPIC_RAW: z.string().min(1).default('events.raw'),
  KAFKA_TOPIC_DLQ: z.string().min(1).default('events.dlq'),
  KAFKA_TOPIC_PARTITIONS: positiveInt(4),
  KAFKA_CONSUMER_GROUP: z.string().min(1).default('clickstream-consumer'),
  LOCAL_KAFKA_PORT: port(19092),
  LOCAL_KAFKA_CONTROLLER_PORT: port(19093),
  LOCAL_KAFKA_HEAP_MB: positiveInt(512),

  API_HOST: z.string().default('127.0.0.1'),
  API_PORT: port(8080),
  API_TRUST_PROXY: bool,
  API_RECORD_GROUPING: z.enum(['request', 'concurrent']).default('request'),
  API_METRICS_HOST: z.string().default('127.0.0.1'),
  API_METRICS_PORT: port(9465),
  API_MAX_BODY_BYTES: optionalPositive,
  API_MAX_EVENTS_PER_BATCH: optionalPositive,
  API_MAX_FUTURE_MINUTES: optionalPositive,
  API_BACKFILL_WINDOW_HOURS: optionalPositive,
  API_PRODUCE_TIMEOUT_MS: optionalPositive,
  API_RATE_PER_KEY: optionalPositive,
  API_RATE_BURST_PER_KEY: optionalPositive,
  API_RATE_PER_IP: optionalPositive,
  API_RATE_BURST_PER_IP: optionalPositive,
  API_MAX_PENDING_SENDS: optionalPositive,
  API_MAX_PENDING_BYTES: optionalPositive,
  API_MAX_EVENT_LOOP_DELAY_MS: optionalPositive,
  API_SITE_CACHE_STALE_S: positiveInt(600),
  API_HEADERS_TIMEOUT_MS: positiveInt(10_000),
  API_REQUEST_TIMEOUT_MS: positiveInt(30_000),
  API_KEEPALIVE_TIMEOUT_MS: positiveInt(5000),
  API_MAX_CONNECTIONS: positiveInt(10_000),
  EVENTS_RETENTION_DAYS: optionalPositive,
  EVENTS_COLD_VOLUME: optionalString,
  CONSUMER_HOST: z.string().default('127.0.0.1'),
  CONSUMER_PORT: port(9464),
  CONSUMER_FLUSH_ROWS: positiveInt(10_000),
  CONSUMER_FLUSH_MS: positiveInt(500),
  CONSUMER_FLUSH_BYTES: positiveInt(16 * 1024 * 1024),
  CONSUMER_UA_CACHE_SIZE: positiveInt(10_000),
  CONSUMER_SESSION_TIMEOUT_MS: positiveInt(6000),
  CONSUMER_MAX_EVENT_AGE_DAYS: positiveInt(30),
  ETL_CONCURRENCY: positiveInt(2),
  ETL_CRON: z.string().trim().min(1, 'expected a cron pattern such as "5 * * * *"').default('5 * * * *'),
  ETL_LOOKBACK_HOURS: positiveInt(3),
  ETL_MAX_ATTEMPTS: positiveInt(5),
  ETL_QUERY_TIMEOUT_S: positiveInt(1800),
  ETL_SESSION_GAP_MINUTES: positiveInt(30),
  ETL_CONVERSION_TYPES: z
    .string()
    .default('checkout')
    .transform((v) =>
      v
        .split(',')
        .map((t) => t.trim())
        .filter((t) => t !== ''),
    )
    .refine((v) => v.length > 0, 'expected a comma-separated list of event types such as checkout,purchase'),
  ETL_ATTRIBUTION_WINDOW_DAYS: positiveInt(7),
  ETL_HEATMAP_BUCKET_PX: positiveInt(50),
  ETL_FUNNELS_FILE: optionalString,
});

export type Env = z.input<typeof envSchema>;

/** Every variable the program reads (all documented in .env.example). */
export const ENV_VARIABLES: readonly string[] = Object.keys(envSchema.shape);
