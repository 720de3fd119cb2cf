import { type ClickHouseClient, clickhouseTarget, createClickHouse } from '../../lib/clickhouse.js';
import type { Config } from '../../lib/config.js';
import type { Endpoints } from '../../lib/endpoints.js';
import { connectPg } from '../../lib/postgres.js';
import { createSiteStore, type SiteRecord } from '../../lib/sites.js';
import { parseTimeZone } from '../../lib/time-zones.js';
import { type Command, type CommandInput, intOption, UsageError } from '../command.js';
import { loadContext, say } from '../context.js';
import { clickHouseKnowsZone, rawEventDays, rebuildAdvice } from '../zone-change.js';

const ACTIONS = ['add', 'set', 'rotate-key', 'list', 'revoke'];
const DEFAULT_GRACE_HOURS = 24;

function describe(site: SiteRecord): string {
  let state = site.revokedAt ? `revoked ${site.revokedAt.toISOString()}` : 'active';
  if (!site.revokedAt && site.previousKeyExpiresAt && site.previousKeyExpiresAt.getTime() > Date.now()) {
    state += ` (previous key ${site.previousKeyPrefix}… until ${site.previousKeyExpiresAt.toISOString()})`;
  }
  const origins = site.allowedOrigins.join(',') || '(no browser origins)';
  return `${site.siteId}\t${site.keyPrefix}…\t${state}\t${site.timezone}\t${origins}`;
}

/**
 * Runs `fn` with a ClickHouse client, or returns undefined when ClickHouse cannot be
 * reached: the zone check and the rebuild advice are worth having, not worth failing for.
 */
async function withClickHouse<T>(
  config: Config,
  endpoints: Endpoints,
  fn: (c: ClickHouseClient) => Promise<T>,
): Promise<T | undefined> {
  const clickhouse = createClickHouse(clickhouseTarget(config, endpoints, { requestTimeoutMs: 10_000 }));
  try {
    return await fn(clickhouse);
  } catch (error) {
    say(`sites: ClickHouse not reachable at ${endpoints.clickhouseUrls[0]} (${(error as Error).message})`);
    return undefined;
  } finally {
    await clickhouse.close().catch(() => {});
  }
}

/** Checks a --timezone value: a zone Node knows (IANA), and ClickHouse too when reachable. */
async function checkZone(config: Config, endpoints: Endpoints, input: string): Promise<string> {
  let zone: string;
  try {
    zone = parseTimeZone(input);
  } catch (error) {
    throw new UsageError(`--timezone: ${(error as Error).message}`);
  }
  const known = await withClickHouse(config, endpoints, (c) => clickHouseKnowsZone(c, zone));
  if (known === false) {
    throw new UsageError(`--timezone=${zone}: this ClickHouse has no rules for that zone (update ClickHouse)`);
  }
  return zone;
}

function checkArgs(action: string | undefined, name: string | undefined, values: CommandInput['values']): void {
  if (!ACTIONS.includes(action ?? '')) throw new UsageError(`expected one of: ${ACTIONS.join(', ')}`);
  if (action !== 'list' && !name) throw new UsageError(`sites ${action} needs a NAME`);
  if (values.origin && action !== 'add' && action !== 'set')
    throw new UsageError('--origin goes with "sites add" or "sites set"');
  if (values.timezone !== undefined && action !== 'add' && action !== 'set')
    throw new UsageError('--timezone goes with "sites add" or "sites set"');
  if (values.grace !== undefined && action !== 'rotate-key')
    throw new UsageError('--grace goes with "sites rotate-key"');
  if (action === 'set' && values.timezone === undefined && !values.origin)
    throw new UsageError('sites set needs --timezone TZ and/or --origin URL...');
}

async function run({ values, positionals }: CommandInput): Promise<number> {
  const [action, name, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
  checkArgs(action, name, values);
  const { config, endpoints } = loadContext('sites');
  const origins = values.origin as string[] | undefined;
  const zone = typeof values.timezone === 'string' ? await checkZone(config, endpoints, values.timezone) : undefined;
  const graceHours = intOption(values, 'grace', 0, 24 * 90) ?? DEFAULT_GRACE_HOURS;
  const client = await connectPg(endpoints.databaseUrl);
  try {
    const store = createSiteStore(client);
    switch (action) {
      case 'add': {
        const { key } = await store.add(name!, origins ?? [], zone ?? 'UTC');
        process.stdout.write(`${key}\n`);
        return 0;
      }
      case 'set': {
        const changed = await store.set(name!, {
          ...(zone ? { timezone: zone } : {}),
          ...(origins ? { origins } : {}),
        });
        if (!changed) {
          say(`sites set: no site named "${name}"`);
          return 1;
        }
        process.stdout.write(`${describe(changed.after)}\n`);
        if (changed.before.timezone !== changed.after.timezone) {
          const span = await withClickHouse(config, endpoints, (c) => rawEventDays(c, name!));
          const advice =
            span === undefined
              ? [
                  `site "${name}" now counts its days in ${changed.after.timezone} (was ${changed.before.timezone}).`,
                  'Rebuild its days since its first event with clickstream backfill --from DAY --to NOW.',
                ]
              : rebuildAdvice(name!, changed.before.timezone, changed.after.timezone, span);
          for (const line of advice) say(line);
        }
        return 0;
      }
      case 'rotate-key': {
        const rotated = await store.rotateKey(name!, graceHours * 3_600_000);
        if (!rotated) {
          say(`sites rotate-key: no active site named "${name}"`);
          return 1;
        }
        process.stdout.write(`${rotated.key}\n`);
        say(
          graceHours > 0
            ? `sites rotate-key: the previous key works until ${rotated.site.previousKeyExpiresAt?.toISOString()}`
            : 'sites rotate-key: the previous key stopped working (the API notices within 5 s)',
        );
        return 0;
      }
      case 'revoke': {
        if (await store.revoke(name!)) return 0;
        say(`sites revoke: no active site named "${name}"`);
        return 1;
      }
      default:
        for (const site of await store.list()) process.stdout.write(`${describe(site)}\n`);
        return 0;
    }
  } finally {
    await client.end();
  }
}

export const sitesCommand: Command = {
  name: 'sites',
  summary: 'Add, change, list or revoke the sites allowed to send events (write keys, time zones)',
  usage: [
    'Usage: clickstream sites add NAME [--origin URL]... [--timezone TZ]',
    '       clickstream sites set NAME [--timezone TZ] [--origin URL]...',
    '       clickstream sites rotate-key NAME [--grace HOURS]',
    '       clickstream sites list',
    '       clickstream sites revoke NAME',
    '',
    '  add         creates the site and prints its new write key alone on stdout (shown once:',
    '              only a hash is stored). --origin allows browser requests from that origin;',
    '              repeat it for several, or pass "*" for any. --timezone is the IANA zone its',
    '              days are counted in (default UTC), e.g. Europe/Moscow.',
    '  set         changes the time zone and/or replaces the allowed origins; after a zone',
    '              change it prints which days to rebuild (marts built before keep the old zone)',
    '  rotate-key  prints a new key; the previous one keeps working for --grace hours',
    `              (default ${DEFAULT_GRACE_HOURS}; 0 ends it now)`,
    '  list        prints each site: name, key prefix, state, time zone, origins',
    "  revoke      disables the site's keys (the API notices within 5 s)",
  ].join('\n'),
  options: {
    origin: { type: 'string', multiple: true },
    timezone: { type: 'string' },
    grace: { type: 'string' },
  },
  positionals: true,
  run,
};
