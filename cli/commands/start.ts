import { startApi } from '../../api/role.js';
import { startConsumer } from '../../consumer/role.js';
import { ensureServices } from '../../local/services.js';
import { type Command, UsageError } from '../command.js';
import { loadContext, say, shardsOverride } from '../context.js';
import { LOCAL_PASSWORDS } from '../../lib/clickhouse-users.js';
import { createLogger } from '../../lib/logger.js';
import { ensureDemoSite } from '../demo-site.js';
import { untilSignal } from '../until-signal.js';
import { applySchema } from '../../migrations/apply.js';
import { dashboardsHint } from './grafana-provisioning.js';

const ROLES = ['api', 'consumer', 'etl'] as const;
type Role = (typeof ROLES)[number];

function parseRoles(value: string | undefined): Role[] {
  const roles = (value ?? ROLES.join(','))
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  const unknown = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
  if (unknown.length > 0 || roles.length === 0)
    throw new UsageError(`--roles takes a comma-separated list of ${ROLES.join(', ')}; got "${value}"`);
  return [...new Set(roles)] as Role[];
}

export const startCommand: Command = {
  name: 'start',
  summary: 'Start everything: embedded services, migrations, and the api/consumer/etl roles',
  usage: [
    'Usage: clickstream start [--roles api,consumer,etl] [--shards N]',
    '',
    'Starts the embedded ClickHouse, Postgres and Kafka (those not configured externally with',
    'CLICKHOUSE_URL, DATABASE_URL, KAFKA_BROKERS), applies migrations, creates a "demo" site on',
    'first run, and runs the roles in this process. Prints where to send events and a curl to try.',
    '--shards 2 (or LOCAL_CLICKHOUSE_SHARDS=2) runs ClickHouse as a cluster of two embedded shards,',
    'with data of its own (docs/scaling.md); the same tables and queries work on it.',
    'Ctrl-C stops the roles and then the services this command started; data stays in',
    'CLICKSTREAM_DATA_DIR for the next start.',
  ].join('\n'),
  options: { roles: { type: 'string' }, shards: { type: 'string' } },
  async run({ values }) {
    const roles = parseRoles(values.roles as string | undefined);
    const { config } = loadContext('start', shardsOverride(values.shards));
    const logger = (role: Role) => createLogger(config.logLevel, role);
    const started = Date.now();
    const stops: Array<() => Promise<void>> = [];
    const stopAll = async () => {
      for (const stop of stops.reverse()) await stop().catch((error: Error) => say(`stop: ${error.message}`));
    };
    const stopped = untilSignal();
    try {
      say(`clickstream: starting services (data in ${config.dataDir})`);
      const services = await ensureServices(config, { log: say, owner: process.pid });
      stops.push(() => services.stop());
      const { endpoints } = services;
      await applySchema(config, endpoints, say);
      const demoKey = await ensureDemoSite(config, endpoints.databaseUrl);

      let apiUrl: string | undefined;
      if (roles.includes('etl')) {
        // Loaded only when asked for: graphile-worker is not needed by the other roles.
        const { startEtl } = await import('../../etl/role.js');
        const etl = await startEtl({ config, endpoints, logger: logger('etl') });
        stops.push(() => etl.stop());
      }
      if (roles.includes('consumer')) {
        const consumer = await startConsumer({ config, endpoints, logger: logger('consumer') });
        stops.push(() => consumer.stop());
      }
      if (roles.includes('api')) {
        const api = await startApi(
          { config, endpoints, logger: logger('api') },
          demoKey === undefined ? {} : { demoWriteKey: demoKey },
        );
        stops.push(() => api.stop());
        apiUrl = api.url;
      }
      if (config.clickhouse.cluster !== undefined && !config.clickhouse.externalUrl)
        say(
          `clickhouse: cluster "${config.clickhouse.cluster}" of ${endpoints.clickhouseUrls.length} shards (${endpoints.clickhouseUrls.join(', ')})`,
        );
      say(
        readyBanner({
          apiUrl,
          demoKey,
          clickhouseUrl: endpoints.clickhouseUrls[0],
          reader: config.clickhouse.reader,
          roles,
          seconds: (Date.now() - started) / 1000,
        }),
      );
      say(dashboardsHint());
    } catch (error) {
      say(`clickstream start failed: ${(error as Error).message}`);
      await stopAll();
      return 1;
    }
    const signal = await stopped;
    say(`clickstream: ${signal}, stopping...`);
    await stopAll();
    say('clickstream: stopped');
    return 0;
  },
};

function readyBanner(o: {
  apiUrl?: string;
  demoKey?: string;
  clickhouseUrl: string;
  reader: { user: string; password: string };
  roles: Role[];
  seconds: number;
}): string {
  // the local default password is no secret; a configured one is not printed (curl asks for it)
  const login = o.reader.password === LOCAL_PASSWORDS.reader ? `${o.reader.user}:${o.reader.password}` : o.reader.user;
  const key = o.demoKey ?? '<your write key: clickstream sites add NAME>';
  const lines = [``, `clickstream is ready in ${o.seconds.toFixed(1)} s (roles: ${o.roles.join(', ')})`];
  if (o.apiUrl) {
    if (o.demoKey)
      lines.push(`  open the demo    ${o.apiUrl}/demo   (a shop page sending pageviews, impressions and clicks)`);
    lines.push(
      `  send events to   ${o.apiUrl}/events   (write key of site "demo": ${o.demoKey ?? 'not stored on this machine'})`,
      `  try it:`,
      `    curl -i -X POST ${o.apiUrl}/events -H 'Content-Type: application/json' -H 'X-Write-Key: ${key}' \\`,
      `      -d '[{"type":"pageview","url":"https://demo.example/","session_id":"s1"}]'`,
    );
  }
  lines.push(
    `  then count them:`,
    `    curl -u ${login} '${o.clickhouseUrl}/?query=SELECT+count()+FROM+clickstream.events'`,
    `  Ctrl-C stops everything.`,
    ``,
  );
  return lines.join('\n');
}
