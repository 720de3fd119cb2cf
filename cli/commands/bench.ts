import fs from 'node:fs';
import path from 'node:path';
import { runBench } from '../../bench/run-bench.js';
import { stopAllBenchStacks } from '../../bench/stack.js';
import { renderMarkdown } from '../../bench/report.js';
import { type Command, intOption } from '../command.js';
import { say } from '../context.js';
import { untilSignal } from '../until-signal.js';

export const benchCommand: Command = {
  name: 'bench',
  summary: 'Benchmark the pipeline on a private stack, next to its ceilings, and print a table',
  usage: [
    'Usage: clickstream bench [--duration S] [--rate N] [--batch N] [--connections N] [--pipelining N] [--seed-events N] [--json FILE] [--data-dir DIR]',
    '',
    'Starts its own ClickHouse, Postgres and Kafka (data in --data-dir, default .data/bench, EMPTIED first; free',
    'loopback ports; external service variables are ignored) and the api and consumer as processes of their own,',
    'process, posts realistic traffic for --duration seconds (default 60) at --rate events/s',
    '(default: as fast as the API answers) in --batch events per request (default: SDK-like',
    'sizes), then reports throughput, API latency, end-to-end freshness, consumer lag, CPU and',
    'RSS per process, the exact rows check, then the same for --duration (at most 30 s) at 70 % of the',
    'event rate it reached, and three ceilings measured in the same run: a raw',
    "ClickHouse insert, ClickHouse's Kafka engine, and a no-op Hono endpoint (driven by the same",
    'load generator: undici, --connections sockets x --pipelining requests in flight each). With',
    '--seed-events N (default 1000000; 0 skips) it also times a build of every mart and the',
    'dashboard queries over N historical events. Stops everything it started when done.',
    '--cpu-prof-dir DIR writes V8 CPU profiles of the api and consumer processes there.',
  ].join('\n'),
  options: {
    duration: { type: 'string' },
    rate: { type: 'string' },
    batch: { type: 'string' },
    connections: { type: 'string' },
    pipelining: { type: 'string' },
    'seed-events': { type: 'string' },
    json: { type: 'string' },
    'data-dir': { type: 'string' },
    'cpu-prof-dir': { type: 'string' },
  },
  async run({ values }) {
    const durationS = intOption(values, 'duration', 1, 3600) ?? 60;
    const rate = intOption(values, 'rate', 1, 10_000_000);
    const batch = intOption(values, 'batch', 1, 500);
    const connections = intOption(values, 'connections', 1, 1024) ?? 32;
    const pipelining = intOption(values, 'pipelining', 1, 64) ?? 1;
    const seedEvents = intOption(values, 'seed-events', 0, 1_000_000_000) ?? 1_000_000;
    const json = values.json as string | undefined;
    // Ctrl-C / SIGTERM: stop the private stack (roles, then services) and exit.
    void untilSignal().then(async (signal) => {
      say(`bench: ${signal}; stopping the stack (a second signal exits at once)`);
      await stopAllBenchStacks().catch((error: Error) => say(`bench: stop failed: ${error.message}`));
      process.exit(130);
    });
    const report = await runBench({
      dataDir: path.resolve((values['data-dir'] as string | undefined) ?? path.join('.data', 'bench')),
      durationS,
      ...(rate !== undefined ? { rate } : {}),
      ...(batch !== undefined ? { batch } : {}),
      connections,
      pipelining,
      seedEvents,
      ...(values['cpu-prof-dir'] ? { cpuProfDir: path.resolve(values['cpu-prof-dir'] as string) } : {}),
      log: say,
    });
    process.stdout.write(renderMarkdown(report));
    if (json) {
      fs.writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
      say(`bench: wrote ${json}`);
    }
    return report.rows_match ? 0 : 1;
  },
};
