import { connectPg } from '../../lib/postgres.js';
import { createSiteStore } from '../../lib/sites.js';
import { type Command, UsageError } from '../command.js';
import { loadContext } from '../context.js';

export const sitesCommand: Command = {
  name: 'sites',
  summary: 'Add, list or revoke the sites allowed to send events (write keys)',
  usage: [
    'Usage: clickstream sites add NAME [--origin URL]...',
    '       clickstream sites list',
    '       clickstream sites revoke NAME',
    '',
    '  add     creates the site and prints its new write key alone on stdout (shown once:',
    '          only a hash is stored). --origin allows browser requests from that origin;',
    '          repeat it for several, or pass "*" for any.',
    '  list    prints each site, its key prefix, origins and whether it is revoked',
    "  revoke  disables the site's key (the API notices within 5 s)",
  ].join('\n'),
  options: { origin: { type: 'string', multiple: true } },
  positionals: true,
  async run({ values, positionals }) {
    const [action, name, ...extra] = positionals;
    if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
    if ((action === 'add' || action === 'revoke') && !name) throw new UsageError(`sites ${action} needs a NAME`);
    if (action !== 'add' && values.origin) throw new UsageError('--origin goes with "sites add"');
    if (!['add', 'list', 'revoke'].includes(action ?? '')) throw new UsageError('expected one of: add, list, revoke');
    const { endpoints } = loadContext('sites');
    const client = await connectPg(endpoints.databaseUrl);
    try {
      const store = createSiteStore(client);
      if (action === 'add') {
        const { key } = await store.add(name!, (values.origin as string[] | undefined) ?? []);
        process.stdout.write(`${key}\n`);
        return 0;
      }
      if (action === 'revoke') {
        if (await store.revoke(name!)) return 0;
        process.stderr.write(`sites revoke: no active site named "${name}"\n`);
        return 1;
      }
      for (const site of await store.list()) {
        const state = site.revokedAt ? `revoked ${site.revokedAt.toISOString()}` : 'active';
        process.stdout.write(
          `${site.siteId}\t${site.keyPrefix}…\t${state}\t${site.allowedOrigins.join(',') || '(no browser origins)'}\n`,
        );
      }
      return 0;
    } finally {
      await client.end();
    }
  },
};
