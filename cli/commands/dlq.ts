import { Partitioners } from 'kafkajs';
import { readDeadLetters } from '../../consumer/dead-letter-reader.js';
import { createKafka } from '../../lib/kafka.js';
import { type Command, UsageError } from '../command.js';
import { loadContext, say } from '../context.js';

function parseSince(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime()))
    throw new UsageError(`--since "${value}": expected an ISO 8601 time such as 2026-11-22T10:00:00Z`);
  return date;
}

export const dlqCommand: Command = {
  name: 'dlq',
  summary: 'List or replay dead letters (events the consumer could not load)',
  usage: [
    'Usage: clickstream dlq list [--since ISO]',
    '       clickstream dlq replay [--since ISO]',
    '',
    '  list    prints one line per dead letter: when, why, where it came from, and the start',
    '          of its value',
    '  replay  re-publishes each dead letter (original key and bytes) to the topic it came',
    '          from, after you fixed the cause; one that fails again goes back to the DLQ.',
    '          Replays are safe to repeat: events are deduplicated by event_id.',
  ].join('\n'),
  options: { since: { type: 'string' } },
  positionals: true,
  async run({ values, positionals }) {
    const [action, ...extra] = positionals;
    if (extra.length > 0 || (action !== 'list' && action !== 'replay'))
      throw new UsageError('expected "list" or "replay"');
    const since = parseSince(values.since as string | undefined);
    const { config, endpoints, logger } = loadContext('dlq');
    const kafka = createKafka({
      brokers: endpoints.kafkaBrokers,
      clientId: `${config.kafka.clientId}-dlq`,
      logger,
    });

    if (action === 'list') {
      const count = await readDeadLetters(kafka, config.kafka.topicDlq, {
        ...(since ? { since } : {}),
        visit: (r) => {
          const preview = (r.value?.toString('utf8') ?? '').replace(/\s+/g, ' ').slice(0, 120);
          process.stdout.write(
            `${r.failedAt.toISOString()}\t${r.sourceTopic}/${r.sourcePartition}@${r.sourceOffset}\t${r.reason.code}: ${r.reason.detail}\t${preview}\n`,
          );
        },
      });
      say(`dlq: ${count} dead letter(s)${since ? ` since ${since.toISOString()}` : ''}`);
      return 0;
    }

    const producer = kafka.producer({
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
    });
    await producer.connect();
    try {
      let pending: Array<{ topic: string; key: Buffer | null; value: Buffer | null }> = [];
      const flush = async () => {
        const byTopic = new Map<string, typeof pending>();
        for (const m of pending) byTopic.set(m.topic, [...(byTopic.get(m.topic) ?? []), m]);
        for (const [topic, messages] of byTopic) {
          await producer.send({ topic, acks: -1, messages: messages.map(({ key, value }) => ({ key, value })) });
        }
        pending = [];
      };
      const count = await readDeadLetters(kafka, config.kafka.topicDlq, {
        ...(since ? { since } : {}),
        visit: async (r) => {
          pending.push({ topic: r.sourceTopic || config.kafka.topicRaw, key: r.key, value: r.value });
          if (pending.length >= 500) await flush();
        },
      });
      await flush();
      say(`dlq: replayed ${count} dead letter(s)`);
    } finally {
      await producer.disconnect();
    }
    return 0;
  },
};
