/**
 * Small helpers for stack tests (graphile-worker style): clients for the test services,
 * unique names so tests never share state, and polling with a deadline.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { inject } from 'vitest';
import { type ClickHouseClient, createClickHouse } from '../lib/clickhouse.js';
import { parseConfig, type Config } from '../lib/config.js';
import { type Endpoints, resolveEndpoints } from '../lib/endpoints.js';
import { createKafka, ensureTopics, pipelineTopics } from '../lib/kafka.js';
import { findFreePort } from '../local/process-control.js';
import { connectPg } from '../lib/postgres.js';
import type pg from 'pg';

/** The config a `clickstream` process would get in the test environment. */
export function testConfig(overrides: Record<string, string> = {}): Config {
  return parseConfig({ ...inject('testEnv'), ...overrides });
}

/** Where the test services are, as a role receives it; `overrides` points one elsewhere (a fault test's own broker). */
export function testEndpoints(overrides: Partial<Endpoints> = {}): Endpoints {
  return { ...resolveEndpoints(testConfig()), ...overrides };
}

/**
 * Env overrides giving an in-process api role free ports of its own (ingest and metrics),
 * so tests running at the same time, or a running `npm start`, never clash.
 */
export async function apiPortsEnv(): Promise<Record<'API_PORT' | 'API_METRICS_PORT', string>> {
  return { API_PORT: String(await findFreePort()), API_METRICS_PORT: String(await findFreePort()) };
}

/** A login on the test server: the admin (schema and fixtures), the roles' writer, or the reader. */
export function testLogin(role: 'admin' | 'writer' | 'reader' = 'admin'): { user: string; password: string } {
  const { clickhouse } = testConfig();
  if (role === 'admin') return clickhouse.admin;
  if (role === 'reader') return clickhouse.reader;
  return { user: clickhouse.user, password: clickhouse.password };
}

/**
 * A ClickHouse client on the test server, default database `clickstream`, as the admin:
 * tests set up fixtures and scratch tables with it (the server has the real users).
 */
export function testClickHouse(
  database = 'clickstream',
  role: 'admin' | 'writer' | 'reader' = 'admin',
): ClickHouseClient {
  return createClickHouse({ url: inject('clickhouseUrl'), ...testLogin(role), database });
}

export async function withPgClient<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = await connectPg(inject('databaseUrl'));
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A name no other test uses: `prefix_<random hex>`. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(4).toString('hex')}`;
}

/** Polls until `check` returns a truthy value or `timeoutMs` passes (then throws with `what`). */
export async function sleepUntil<T>(
  what: string,
  check: () => Promise<T | undefined | null | false>,
  timeoutMs = 20_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await sleep(intervalMs);
  }
}

/** Rows of a query as objects. */
export async function queryRows<T>(
  clickhouse: ClickHouseClient,
  query: string,
  params: Record<string, unknown> = {},
): Promise<T[]> {
  const result = await clickhouse.query({ query, query_params: params, format: 'JSONEachRow' });
  return result.json<T>();
}

/**
 * Env overrides giving a test its own Kafka topics, consumer group and role ports, with
 * the topics created: its events never reach another test's consumer. `extra` is merged in.
 */
export async function isolatedPipelineEnv(extra: Record<string, string> = {}) {
  const env = {
    KAFKA_TOPIC_RAW: uniqueName('raw'),
    KAFKA_TOPIC_DLQ: uniqueName('dlq'),
    KAFKA_CONSUMER_GROUP: uniqueName('group'),
    CONSUMER_PORT: String(await findFreePort()),
    ...(await apiPortsEnv()),
    ...extra,
  };
  await ensureTopics(
    createKafka({ brokers: inject('kafkaBrokers'), clientId: 'test' }),
    pipelineTopics(testConfig(env)),
  );
  return env;
}
