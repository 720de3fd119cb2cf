/**
 * Kafka client construction and topic setup, shared by the api (producer), the consumer
 * and the embedded-service checks. kafkajs's own log lines are routed into pino.
 */
import { Kafka, logLevel as KafkaLogLevel, type ITopicConfig, type LogEntry } from 'kafkajs';
import type { Config } from './config.js';
import { createWarningSummary } from './log-summary.js';
import type { Logger } from './logger.js';

export function createKafka(options: {
  brokers: readonly string[];
  clientId: string;
  logger?: Logger;
  connectionTimeout?: number;
  /** Attempts to reach the cluster before an operation fails (default 5, ~8 s with the cap). */
  connectRetries?: number;
}): Kafka {
  const { logger } = options;
  // While a broker is down every retry of every client logs the same line: collapsed.
  const warnings = logger ? createWarningSummary(logger) : undefined;
  return new Kafka({
    brokers: [...options.brokers],
    clientId: options.clientId,
    connectionTimeout: options.connectionTimeout ?? 3000,
    // Connections to the cluster: kafkajs's default backoff grows to 30 s between attempts;
    // after a broker restart that alone kept a consumer idle for up to 30 s (it restarts
    // after the last backoff). Capped at 2 s, a returning broker is used within 2 s.
    retry: { initialRetryTime: 250, maxRetryTime: 2000, retries: options.connectRetries ?? 5 },
    // Without a logger we are probing (readiness checks): connection refusals are expected.
    logLevel: logger ? KafkaLogLevel.WARN : KafkaLogLevel.NOTHING,
    logCreator: () => (entry: LogEntry) => {
      if (!logger || !warnings) return;
      const { message, ...fields } = entry.log;
      const line = { kafkajs: entry.namespace, ...fields };
      // kafkajs logs as ERROR what it then retries by itself (e.g. "group coordinator not
      // available" while a fresh broker creates __consumer_offsets). Failures that matter
      // reach our code as rejected promises and are logged there as errors.
      if (entry.level <= KafkaLogLevel.WARN) warnings.warn(`${entry.namespace}:${message}`, line, message);
      else logger.debug(line, message);
    },
  });
}

/** The topics the pipeline needs, from config. */
export function pipelineTopics(config: Config): ITopicConfig[] {
  return [
    { topic: config.kafka.topicRaw, numPartitions: config.kafka.topicPartitions, replicationFactor: -1 },
    // Dead letters are rare and replayed by hand: one partition keeps them in order.
    { topic: config.kafka.topicDlq, numPartitions: 1, replicationFactor: -1 },
  ];
}

/**
 * Creates missing topics (idempotent; existing ones are left as they are, except that
 * `events.raw` is grown to the configured partition count when it has fewer).
 */
export async function ensureTopics(kafka: Kafka, topics: ITopicConfig[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t.topic));
    if (missing.length > 0) await admin.createTopics({ topics: missing, waitForLeaders: true });
    const metadata = await admin.fetchTopicMetadata({ topics: topics.map((t) => t.topic) });
    for (const wanted of topics) {
      const have = metadata.topics.find((t) => t.name === wanted.topic)?.partitions.length ?? 0;
      const want = wanted.numPartitions ?? 1;
      if (have < want) await admin.createPartitions({ topicPartitions: [{ topic: wanted.topic, count: want }] });
    }
  } finally {
    await admin.disconnect();
  }
}
