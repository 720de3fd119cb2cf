import { ensureServices, servicesStatus, stopServices } from '../../local/services.js';
import { createKafka, ensureTopics, pipelineTopics } from '../../lib/kafka.js';
import { redactUrl } from '../../lib/postgres.js';
import { type Command, UsageError } from '../command.js';
import { loadContext, say, shardsOverride } from '../context.js';

export const servicesCommand: Command = {
  name: 'services',
  summary: 'Start, stop or show the embedded ClickHouse, Postgres and Kafka (up|down|status)',
  usage: [
    'Usage: clickstream services up|down|status [--shards N]',
    '',
    '  up      start the embedded services in the background (data in CLICKSTREAM_DATA_DIR);',
    '          a service whose CLICKHOUSE_URL / DATABASE_URL / KAFKA_BROKERS is set is not started;',
    '          --shards 2 (LOCAL_CLICKHOUSE_SHARDS) starts ClickHouse as a cluster of two shards',
    '  down    stop the embedded services started by "up" or left by a crashed "start"',
    '  status  show each service, where it listens and whether it answers',
  ].join('\n'),
  positionals: true,
  options: { shards: { type: 'string' } },
  async run({ positionals, values }) {
    const [action, ...extra] = positionals;
    if (extra.length > 0 || !['up', 'down', 'status'].includes(action ?? '')) {
      throw new UsageError('expected exactly one of: up, down, status');
    }
    const { config } = loadContext('services', shardsOverride(values.shards));
    if (action === 'up') {
      const running = await ensureServices(config, { log: say, owner: null });
      // Topics belong with the broker: create them here too, not only in `migrate`.
      await ensureTopics(
        createKafka({ brokers: running.endpoints.kafkaBrokers, clientId: config.kafka.clientId }),
        pipelineTopics(config),
      );
      const { clickhouseUrls, kafkaBrokers, databaseUrl } = running.endpoints;
      say(
        `services up: clickhouse ${clickhouseUrls.join(',')}, kafka ${kafkaBrokers.join(',')}, postgres ${redactUrl(databaseUrl)}`,
      );
      return 0;
    }
    if (action === 'down') {
      await stopServices(config, { log: say });
      return 0;
    }
    const statuses = await servicesStatus(config);
    for (const s of statuses) {
      const state =
        s.mode === 'external'
          ? s.ready
            ? 'external, ready'
            : 'external, NOT answering'
          : s.ready
            ? 'ready'
            : s.running
              ? 'not answering'
              : 'stopped';
      process.stdout.write(`${s.name.padEnd(10)} ${state.padEnd(18)} ${s.endpoint}${s.pid ? `  pid ${s.pid}` : ''}\n`);
    }
    return statuses.every((s) => s.ready) ? 0 : 1;
  },
};
