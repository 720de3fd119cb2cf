/**
 * "Does it answer?" checks for any ClickHouse, Postgres or Kafka, embedded or external,
 * for `clickstream services status`.
 */
import pg from 'pg';
import { createKafka } from '../lib/kafka.js';
import type { ServiceName } from './embedded-service.js';

async function clickhouseAnswers(url: string): Promise<boolean> {
  const response = await fetch(new URL('/ping', url), { signal: AbortSignal.timeout(2000) });
  return response.ok;
}

async function postgresAnswers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.query('SELECT 1')).rowCount === 1;
  } finally {
    await client.end().catch(() => {});
  }
}

async function kafkaAnswers(brokers: string[]): Promise<boolean> {
  const admin = createKafka({ brokers, clientId: 'clickstream-probe', connectionTimeout: 2000 }).admin();
  try {
    await admin.connect();
    await admin.describeCluster();
    return true;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

/** True when the service at `endpoint` answers a trivial request within ~2 s. */
export function answers(name: ServiceName, endpoint: string): Promise<boolean> {
  const probe =
    name === 'clickhouse'
      ? clickhouseAnswers(endpoint)
      : name === 'postgres'
        ? postgresAnswers(endpoint)
        : kafkaAnswers(endpoint.split(','));
  return probe.catch(() => false);
}
