/**
 * "Does it answer?" checks for any ClickHouse, Postgres or Kafka, embedded or external,
 * for `clickstream services status`.
 */
import { createKafka } from '../lib/kafka.js';
import { postgresAnswers } from '../lib/postgres.js';
import { isClickHouse, type ServiceName } from './embedded-service.js';

async function clickhouseAnswers(url: string): Promise<boolean> {
  const response = await fetch(new URL('/ping', url), { signal: AbortSignal.timeout(2000) });
  return response.ok;
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
  const probe = isClickHouse(name)
    ? clickhouseAnswers(endpoint)
    : name === 'postgres'
      ? postgresAnswers(endpoint)
      : kafkaAnswers(endpoint.split(','));
  return probe.catch(() => false);
}
