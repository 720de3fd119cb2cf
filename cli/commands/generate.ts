import fs from 'node:fs';
import path from 'node:path';
import { runLoad } from '../../bench/load-driver.js';
import { createTraffic } from '../../bench/traffic.js';
import { type Command, intOption, UsageError } from '../command.js';
import { loadContext, say } from '../context.js';

export const generateCommand: Command = {
  name: 'generate',
  summary: 'Send realistic demo traffic to a running API, to fill the dashboards',
  usage: [
    'Usage: clickstream generate [--rate N] [--duration S] [--url URL] [--key KEY] [--batch N]',
    '',
    'Posts synthetic visitors (sessions, Zipf-popular pages, impressions and clicks, checkouts',
    'with revenue, search/social/email/paid sources, a few bots and resends) to POST /events.',
    'Defaults: --rate 200 events/s for --duration 60 s, to the local API (API_PORT) with the',
    'write key of the "demo" site that "clickstream start" stored in CLICKSTREAM_DATA_DIR.',
    "Only loopback URLs are accepted. Above ~500 events/s the API's per-IP rate limit",
    '(API_RATE_PER_IP) answers 429: raise it on the API to send more.',
  ].join('\n'),
  options: {
    rate: { type: 'string' },
    duration: { type: 'string' },
    url: { type: 'string' },
    key: { type: 'string' },
    batch: { type: 'string' },
  },
  async run({ values }) {
    const { config } = loadContext('generate');
    const rate = intOption(values, 'rate', 1, 1_000_000) ?? 200;
    const durationS = intOption(values, 'duration', 1, 86_400) ?? 60;
    const batch = intOption(values, 'batch', 1, 500);
    const url = (values.url as string | undefined) ?? `http://127.0.0.1:${config.api.port}`;
    const key = (values.key as string | undefined) ?? readDemoKey(config.dataDir);
    const traffic = createTraffic({
      sites: [{ key, host: 'demo.example' }],
      seed: Date.now() % 2 ** 31,
      ...(batch ? { batchSize: batch } : {}),
    });
    say(`generate: ${rate} events/s for ${durationS} s to ${url}/events (Ctrl-C stops)`);
    const stop = new AbortController();
    const onSignal = () => stop.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    let last = 0;
    try {
      const result = await runLoad({
        url,
        traffic,
        rate,
        durationMs: durationS * 1000,
        connections: 8,
        signal: stop.signal,
        onTick: ({ elapsedMs, acceptedEvents }) => {
          if (elapsedMs - last >= 10_000) {
            last = elapsedMs;
            say(`generate: ${Math.round(elapsedMs / 1000)} s, ${acceptedEvents.toLocaleString('en')} events accepted`);
          }
        },
      });
      const statuses = Object.entries(result.statuses)
        .map(([s, k]) => `${s}: ${k}`)
        .join(', ');
      say(
        `generate: done, ${result.acceptedEvents.toLocaleString('en')} events accepted in ${result.requests} requests (${statuses})`,
      );
      if (result.requests > 0 && (result.statuses['202'] ?? 0) === 0) return 1;
      return 0;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  },
};

function readDemoKey(dataDir: string): string {
  const file = path.join(dataDir, 'demo-write-key');
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    throw new UsageError(`no --key given and no demo key in ${file}: run "clickstream start" first, or pass --key`);
  }
}
