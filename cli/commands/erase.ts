import { buildOptionsFromConfig } from '../../etl/build-options.js';
import { createBuildClickHouse } from '../../etl/build-clickhouse.js';
import { type ErasureReport, erasePerson, type PersonRef } from '../../etl/erase-person.js';
import { createPgPool } from '../../lib/postgres.js';
import { SITE_ID_PATTERN } from '../../lib/sites.js';
import { type Command, type CommandInput, UsageError } from '../command.js';
import { loadContext, say } from '../context.js';

function personOf(values: CommandInput['values']): PersonRef {
  const site = values.site;
  if (typeof site !== 'string' || !SITE_ID_PATTERN.test(site)) {
    throw new UsageError('--site SITE is required (the site name, as in "clickstream sites list")');
  }
  const user = values.user;
  const anonymous = values['anonymous-id'];
  if ((user === undefined) === (anonymous === undefined)) {
    throw new UsageError('give exactly one of --user ID or --anonymous-id ID');
  }
  const id = (user ?? anonymous) as string;
  if (id === '') throw new UsageError('the id must not be empty');
  return user !== undefined ? { site, userId: id } : { site, anonymousId: id };
}

/** The report as lines for a person to read. */
export function renderErasure(r: ErasureReport, topics: { raw: string; dlq: string }): string {
  const who =
    r.userId !== undefined ? `user ${JSON.stringify(r.userId)}` : `anonymous id ${JSON.stringify(r.anonymousId)}`;
  const lines = [`erase: site ${r.site}, ${who}${r.dryRun ? ' (dry run: nothing deleted)' : ''}`];
  if (r.userId !== undefined) {
    lines.push(
      `  linked anonymous ids (their anonymous events are erased too): ${r.linkedAnonymousIds.length === 0 ? 'none' : r.linkedAnonymousIds.join(', ')}`,
    );
  } else if (r.linkedUserIds.length > 0) {
    lines.push(
      `  linked to user(s) ${r.linkedUserIds.join(', ')}: their signed-in events stay; erase them with --user`,
    );
  }
  lines.push(
    `  ${r.dryRun ? 'would remove' : 'removed'}: ${r.events} events (${r.rows} stored rows) from clickstream.events`,
  );
  for (const d of r.days) lines.push(`    ${d.day}  ${d.events} events`);
  if (!r.dryRun) {
    lines.push(`  left in clickstream.events: ${r.remaining}`);
    for (const m of r.rebuilt) {
      lines.push(`  rebuilt mart_${m.mart}: ${m.days.length} days (${m.days[0]} .. ${m.days.at(-1)})`);
    }
  }
  lines.push(
    `  not touched here: copies in the Kafka topics ${topics.raw} and ${topics.dlq}, which age out with the`,
    `  topics' retention (retention.ms; 7 days on the embedded Kafka). Do not "dlq replay" such a copy back.`,
  );
  return `${lines.join('\n')}\n`;
}

export const eraseCommand: Command = {
  name: 'erase',
  summary: "Erase one person's events (by user id or anonymous id) and rebuild the marts that counted them",
  usage: [
    'Usage: clickstream erase --site SITE --user ID [--dry-run] [--json]',
    '       clickstream erase --site SITE --anonymous-id ID [--dry-run] [--json]',
    '',
    "Deletes the person's events from clickstream.events (the parts holding them are rewritten:",
    'the bytes are gone, not masked), rebuilds every mart day that read them, and prints what',
    'was removed. --user also erases the anonymous events of every anonymous id linked to the',
    "user (an event carrying both ids links them); --anonymous-id erases that id's anonymous",
    'events and names the users it is linked to. --dry-run reports without deleting; --json',
    'prints the report as JSON. Copies in Kafka (events.raw, events.dlq) age out with their',
    'retention. Safe to repeat.',
  ].join('\n'),
  options: {
    site: { type: 'string' },
    user: { type: 'string' },
    'anonymous-id': { type: 'string' },
    'dry-run': { type: 'boolean' },
    json: { type: 'boolean' },
  },
  async run({ values }) {
    const person = personOf(values);
    const { config, endpoints, logger } = loadContext('erase');
    // Deleting raw events is the admin's (the roles' writer may only insert them).
    const builds = createBuildClickHouse(config, endpoints, config.clickhouse.admin);
    const { clickhouse, shards } = builds;
    const pgPool = createPgPool(endpoints.databaseUrl, () => {}, 2);
    try {
      const report = await erasePerson(
        {
          clickhouse,
          shards,
          pgPool,
          options: buildOptionsFromConfig(config),
          logger,
          onStep: (m) => say(`erase: ${m}`),
        },
        person,
        { dryRun: values['dry-run'] === true },
      );
      process.stdout.write(
        values.json
          ? `${JSON.stringify(report, null, 2)}\n`
          : renderErasure(report, { raw: config.kafka.topicRaw, dlq: config.kafka.topicDlq }),
      );
      return report.remaining === 0 || report.dryRun ? 0 : 1;
    } finally {
      await pgPool.end().catch(() => {});
      await builds.close();
    }
  },
};
