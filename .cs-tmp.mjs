// Temporary driver until cli/main.ts registers bench/generate: node /tmp/cs.mjs bench --duration 5
import { register } from 'tsx/esm/api';
import { parseArgs } from 'node:util';
register();
const [name, ...rest] = process.argv.slice(2);
const mod = name === 'bench' ? await import('/work/main/cli/commands/bench.ts') : await import('/work/main/cli/commands/generate.ts');
const command = mod.benchCommand ?? mod.generateCommand;
const { values, positionals } = parseArgs({ args: rest, options: command.options, strict: true });
process.exitCode = await command.run({ values, positionals });
