import fs from 'node:fs';
import path from 'node:path';
import { stopAllBenchStacks } from '../../bench/stack.js';
import { renderChaos } from '../../chaos/report.js';
import { runChaos } from '../../chaos/run-chaos.js';
import { type Command, intOption } from '../command.js';
import { say } from '../context.js';
import { untilSignal } from '../until-signal.js';

export const chaosCommand: Command = {
  name: 'chaos',
  summary:
    'Fault suite: kill Kafka, ClickHouse, Postgres and the consumer under load on a private stack, then check every event',
  usage: [
    'Usage: clickstream chaos [--duration S] [--rate N] [--batch N] [--json FILE] [--data-dir DIR]',
    '',
    'Starts its own ClickHouse, Postgres and Kafka and the api and consumer processes on 127.0.0.1 (data in',
    '--data-dir, default .data/chaos, EMPTIED first; external service variables are ignored), posts --rate',
    'requests/s (default 40) of --batch events (default 50) for --duration seconds (default 120), retried like',
    'the browser SDK retries, plus hostile requests each followed by a canary and slow clients; meanwhile it',
    'SIGKILLs and restarts Kafka, ClickHouse and Postgres (the consumer is restarted during the Postgres',
    'outage) and SIGKILLs the consumer. Then it compares the accepted event ids with ClickHouse (distinct,',
    'FINAL, marts) and prints a table: lost, extra, wedges, 5xx other than 503, latency and RSS through the',
    'Kafka restart, recovery time after each fault, the load average. Exit 1 when an event was lost or',
    'counted twice, a canary never arrived, or a 5xx other than 503 was seen. Stops everything it started.',
  ].join('\n'),
  options: {
    duration: { type: 'string' },
    rate: { type: 'string' },
    batch: { type: 'string' },
    json: { type: 'string' },
    'data-dir': { type: 'string' },
  },
  async run({ values }) {
    const durationS = intOption(values, 'duration', 60, 3600) ?? 120;
    const requestsPerS = intOption(values, 'rate', 1, 1000) ?? 40;
    const eventsPerRequest = intOption(values, 'batch', 1, 500) ?? 50;
    void untilSignal().then(async (signal) => {
      say(`chaos: ${signal}; stopping the stack (a second signal exits at once)`);
      await stopAllBenchStacks().catch((error: Error) => say(`chaos: stop failed: ${error.message}`));
      process.exit(130);
    });
    const report = await runChaos({
      dataDir: path.resolve((values['data-dir'] as string | undefined) ?? path.join('.data', 'chaos')),
      durationS,
      requestsPerS,
      eventsPerRequest,
      log: say,
    });
    process.stdout.write(renderChaos(report));
    const json = values.json as string | undefined;
    if (json) {
      fs.writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
      say(`chaos: wrote ${json}`);
    }
    return report.ok ? 0 : 1;
  },
};
