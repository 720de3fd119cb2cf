import { startApi } from '../../api/role.js';
import type { Command } from '../command.js';
import { loadContext } from '../context.js';
import { untilSignal } from '../until-signal.js';

export const apiCommand: Command = {
  name: 'api',
  summary: 'Run the ingestion API alone (POST /events -> Kafka); scale by running several',
  usage: [
    'Usage: clickstream api',
    '',
    'Serves POST /events, /healthz and /readyz on API_HOST:API_PORT, and /metrics on',
    'API_METRICS_HOST:API_METRICS_PORT. Needs Kafka (KAFKA_BROKERS or the embedded one) and',
    'Postgres (DATABASE_URL or the embedded one) for write keys. Stops gracefully on Ctrl-C / SIGTERM.',
  ].join('\n'),
  async run() {
    const api = await startApi(loadContext('api'));
    await untilSignal();
    await api.stop();
    return 0;
  },
};
