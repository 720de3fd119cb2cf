import { startConsumer } from '../../consumer/role.js';
import type { Command } from '../command.js';
import { loadContext } from '../context.js';
import { untilSignal } from '../until-signal.js';

export const consumerCommand: Command = {
  name: 'consumer',
  summary: 'Run the Kafka -> ClickHouse loader alone; scale up to the partition count',
  usage: [
    'Usage: clickstream consumer',
    '',
    'Consumes events.raw in consumer group KAFKA_CONSUMER_GROUP, normalizes and enriches each',
    'event and inserts batches into clickstream.events; bad messages go to events.dlq.',
    'Serves /healthz and /metrics on CONSUMER_HOST:CONSUMER_PORT. Ctrl-C drains and commits.',
  ].join('\n'),
  async run() {
    const consumer = await startConsumer(loadContext('consumer'));
    await untilSignal();
    await consumer.stop();
    return 0;
  },
};
