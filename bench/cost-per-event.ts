/**
 * CPU cost per event of each step of the pipeline's JavaScript, measured in one process on
 * the bench's realistic traffic, with no network and no services: so it is comparable
 * between runs on a busy machine (CPU time, not wall clock), which end-to-end numbers are not.
 *
 *   npx tsx bench/cost-per-event.ts [events] [batch]      # batch: events per request, default SDK-like
 *   node --cpu-prof --import tsx bench/cost-per-event.ts  # and open the .cpuprofile for the frames
 *
 * Steps: the API's validation (validateBatch) and record encoding (visitor hash + v2 parts);
 * the consumer's parse + enrichment (recordOutcomes) and its insert encoding. Each step runs
 * three times over the same traffic and the last (JIT-warm) round is reported, as a
 * long-running process sees it.
 */
import { validateBatch } from '../api/event-schema.js';
import { resolveApiLimits } from '../api/limits.js';
import { createPageCache } from '../consumer/enrich/page-cache.js';
import { createUserAgentParser } from '../consumer/enrich/user-agent.js';
import { EVENT_NATIVE_COLUMNS, EVENT_ROW_COLUMNS } from '../consumer/event-row.js';
import { encodeNativeBlock } from '../consumer/native-block.js';
import { createRecordOutcomes } from '../consumer/record-outcomes.js';
import { visitorId } from '../lib/visitor-id.js';
import { assembleRecord, encodeRequestParts, MAX_RECORD_CHARS } from '../lib/wire/index.js';
import { createTraffic } from './traffic.js';

const events = Number(process.argv[2] ?? 200_000);
const batch = process.argv[3] ? Number(process.argv[3]) : undefined;
const limits = resolveApiLimits();

function cpuMs<T>(fn: () => T): { value: T; ms: number } {
  const start = process.cpuUsage();
  const value = fn();
  const used = process.cpuUsage(start);
  return { value, ms: (used.user + used.system) / 1000 };
}

const traffic = createTraffic({
  sites: [1, 2, 3].map((i) => ({ key: `k${i}`, host: `site${i}.bench.example` })),
  seed: 7,
  ...(batch ? { batchSize: batch } : {}),
});
const requests: Array<{ body: unknown; ua: string; site: string }> = [];
for (let n = 0; n < events; ) {
  const r = traffic.next();
  requests.push({ body: JSON.parse(r.body), ua: r.userAgent, site: `bench-${r.site + 1}` });
  n += r.events;
}

const ROUNDS = 3;
const measured: Record<string, number> = {};
let accepted = 0;
let rowCount = 0;
let jsonChars = 0;
let nativeBytes = 0;
for (let round = 0; round < ROUNDS; round++) {
  const now = Date.now();
  const validated = cpuMs(() => requests.map((r) => ({ ...r, verdict: validateBatch(r.body, limits, now) })));
  accepted = validated.value.reduce((n, r) => n + r.verdict.valid.length, 0);

  const encoded = cpuMs(() =>
    validated.value.map((r) => {
      const facts = {
        site_id: r.site,
        received_at: new Date(now).toISOString(),
        sent_at: r.verdict.sentAt ?? null,
        request_ua: r.ua,
        request_id: crypto.randomUUID(),
        visitor_hash: visitorId({ salt: 'salt', siteId: r.site, ip: '203.0.113.7', userAgent: r.ua }),
      };
      return assembleRecord(
        encodeRequestParts(
          facts,
          r.verdict.valid.map((v) => v.event),
          MAX_RECORD_CHARS,
        ),
      );
    }),
  );
  const records = encoded.value.map((value, i) => ({ offset: String(i), key: null, value: Buffer.from(value) }));

  const recordOutcomes = createRecordOutcomes({
    userAgents: createUserAgentParser({ cacheSize: 10_000 }),
    pages: createPageCache(),
    maxEventAgeMs: 30 * 86_400_000,
    salts: { forDay: async () => 'salt' },
  });
  // One Kafka fetch is a few thousand records: map them in such chunks, as the consumer does.
  const chunks: Array<typeof records> = [];
  for (let i = 0; i < records.length; i += 2000) chunks.push(records.slice(i, i + 2000));
  const startOutcomes = process.cpuUsage();
  const outcomes = [];
  for (const chunk of chunks) outcomes.push(...(await recordOutcomes(0, chunk as never)).outcomes);
  const used = process.cpuUsage(startOutcomes);
  const outcomesMs = (used.user + used.system) / 1000;
  const rows = outcomes.flatMap((o) => (o.kind === 'row' ? [o.row] : []));

  const asText = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
  const insertEncoded = cpuMs(() =>
    rows
      .map((row) => {
        const values: unknown[] = EVENT_ROW_COLUMNS.map((c) => row[c]);
        values[7] = asText(row.ts);
        values[8] = asText(row.received_at);
        return `${JSON.stringify(values)}\n`;
      })
      .join(''),
  );
  const nativeEncoded = cpuMs(() => {
    let bytes = 0;
    for (let i = 0; i < rows.length; i += 10_000)
      bytes += encodeNativeBlock(EVENT_NATIVE_COLUMNS, rows.slice(i, i + 10_000)).length;
    return bytes;
  });

  measured.validate = validated.ms;
  measured.encode = encoded.ms;
  measured.outcomes = outcomesMs;
  measured.json = insertEncoded.ms;
  measured.native = nativeEncoded.ms;
  rowCount = rows.length;
  jsonChars = insertEncoded.value.length;
  nativeBytes = nativeEncoded.value;
}
const us = (ms: number) => ((ms * 1000) / accepted).toFixed(2);
console.log(
  `${accepted} events in ${requests.length} requests (${(accepted / requests.length).toFixed(1)} per request)`,
);
console.log('| step | CPU µs per event |');
console.log('| --- | ---: |');
console.log(`| api: validateBatch | ${us(measured.validate!)} |`);
console.log(`| api: visitor hash + v2 record encoding | ${us(measured.encode!)} |`);
console.log(`| consumer: parse + enrich (recordOutcomes) | ${us(measured.outcomes!)} |`);
console.log(`| consumer: insert encoding, JSONCompactEachRow | ${us(measured.json!)} |`);
console.log(`| consumer: insert encoding, Native | ${us(measured.native!)} |`);
console.log(
  `rows: ${rowCount}; insert body per row: JSONCompactEachRow ${(jsonChars / rowCount).toFixed(0)} chars, Native ${(nativeBytes / rowCount).toFixed(0)} bytes`,
);
