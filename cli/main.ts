/**
 * `clickstream <command> [options]`: one CLI, each role and tool a subcommand.
 */
import { parseArgs } from 'node:util';
import { ConfigError } from '../lib/config.js';
import { type Command, UsageError } from './command.js';
import { wantsStackTraces } from './context.js';
import { apiCommand } from './commands/api.js';
import { backfillCommand } from './commands/backfill.js';
import { clusterImportCommand } from './commands/cluster-import.js';
import { benchCommand } from './commands/bench.js';
import { chaosCommand } from './commands/chaos.js';
import { consumerCommand } from './commands/consumer.js';
import { dlqCommand } from './commands/dlq.js';
import { eraseCommand } from './commands/erase.js';
import { etlCommand } from './commands/etl.js';
import { generateCommand } from './commands/generate.js';
import { grafanaProvisioningCommand } from './commands/grafana-provisioning.js';
import { migrateCommand } from './commands/migrate.js';
import { servicesCommand } from './commands/services.js';
import { sitesCommand } from './commands/sites.js';
import { startCommand } from './commands/start.js';

const commands: Command[] = [
  startCommand,
  servicesCommand,
  migrateCommand,
  sitesCommand,
  apiCommand,
  consumerCommand,
  etlCommand,
  backfillCommand,
  clusterImportCommand,
  dlqCommand,
  eraseCommand,
  generateCommand,
  grafanaProvisioningCommand,
  benchCommand,
  chaosCommand,
];

function mainHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'Usage: clickstream <command> [options]',
    '',
    'A ClickHouse clickstream warehouse: POST /events -> Kafka -> ClickHouse -> data marts.',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run "clickstream <command> --help" for a command\'s options.',
  ].join('\n');
}

function commandHelp(command: Command): string {
  const options = Object.entries(command.options ?? {}).map(([name, spec]) => {
    const flag = `--${name}${spec.type === 'string' ? ' <value>' : ''}`;
    const short = spec.short ? `-${spec.short}, ` : '    ';
    return `  ${short}${flag}`;
  });
  return [
    command.usage,
    ...(options.length ? ['', 'Options:', ...options, '      --help'] : ['', 'Options:', '      --help']),
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${mainHelp()}\n`);
    return name ? 0 : 2;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`clickstream: unknown command "${name}"\n\n${mainHelp()}\n`);
    return 2;
  }
  try {
    const { values, positionals } = parseArgs({
      args: rest,
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: command.positionals ?? false,
      strict: true,
    });
    if (values.help) {
      process.stdout.write(`${commandHelp(command)}\n`);
      return 0;
    }
    return await command.run({ values, positionals });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (error instanceof UsageError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'))) {
      process.stderr.write(`clickstream ${name}: ${(error as Error).message}\n\n${commandHelp(command)}\n`);
      return 2;
    }
    if (error instanceof ConfigError) {
      process.stderr.write(`clickstream: ${error.message}\n`);
      return 78; // EX_CONFIG
    }
    // Our errors say what went wrong and what to do; a stack trace would bury that.
    // LOG_LEVEL=debug shows it for bug reports.
    const debug = wantsStackTraces();
    process.stderr.write(
      `clickstream ${name}: ${debug ? ((error as Error).stack ?? String(error)) : describe(error)}\n`,
    );
    return 1;
  }
}

/** The message of an error and of its causes, one per line. */
function describe(error: unknown): string {
  const lines: string[] = [];
  for (let e: unknown = error; e && lines.length < 5; e = (e as { cause?: unknown }).cause) {
    lines.push(e instanceof Error ? e.message : String(e));
  }
  return lines.join('\n  caused by: ');
}
