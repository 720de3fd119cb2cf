/**
 * What the speed layer (the materialized views that keep mart_traffic_hourly and
 * mart_ctr_daily fresh) costs on the insert path, measured in one run:
 *   npx tsx bench/speed-layer-cost.ts [rows=1000000] [rounds=3] [view,view...]
 * (default: the two speed-layer views; mart_events_loaded_minutely_mv is the Pipeline's)
 * against the configured (or embedded, running) services — NOT a shared production stack:
 * it detaches the two views while it measures "without" (events inserted meanwhile by
 * anyone else miss the speed layer until the next exact build).
 *
 * Each round inserts the same kind of rows twice, with and without the views (the order
 * alternates between rounds, so drift on a busy machine hits both), through the consumer's
 * own insert path (JSONCompactEachRow, CONSUMER_FLUSH_ROWS rows per insert), and reads the
 * CPU the embedded ClickHouse process spent meanwhile, including 5 s after for the
 * background merges the inserts caused (an external ClickHouse: wall time only).
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { EVENT_NATIVE_COLUMNS, type EventRow } from '../consumer/event-row.js';
import { insertRows } from '../consumer/insert-rows.js';
import { clickhouseTarget, createClickHouse } from '../lib/clickhouse.js';
import { loadConfig } from '../lib/config.js';
import { resolveEndpoints } from '../lib/endpoints.js';
import { clickHouseTime as toClickHouseTime } from '../lib/time.js';
import { embeddedClickHouseCpu } from './clickhouse-cpu.js';

const SPEED_LAYER_VIEWS = ['mart_traffic_hourly_speed_mv', 'mart_ctr_daily_speed_mv'];
const TYPES = ['pageview', 'impression', 'impression', 'impression', 'click', 'pageview', 'checkout'];

/** A consumer-shaped row: sessions of ~8 events, half with an anonymous id. */
function row(i: number, site: string, now: Date): EventRow {
  const visitor = Math.floor(i / 8);
  const type = TYPES[i % TYPES.length]!;
  const path = `/catalog/${visitor % 300}`;
  return {
    event_id: randomUUID(),
    site_id: site,
    type,
    session_id: `s-${visitor}`,
    user_id: visitor % 10 === 0 ? `user-${visitor}` : '',
    anonymous_id: visitor % 2 === 0 ? `anon-${visitor}` : '',
    visitor_id: `v${visitor.toString(16).padStart(31, '0')}`,
    ts: now.getTime(),
    site_date: toClickHouseTime(now).slice(0, 10),
    received_at: now.getTime(),
    url: `https://shop.example${path}?utm_source=google&utm_medium=cpc`,
    host: 'shop.example',
    path,
    query: 'utm_source=google&utm_medium=cpc',
    referrer: 'https://www.google.com/',
    referrer_domain: 'google.com',
    channel: 'search',
    utm_source: 'google',
    utm_medium: 'cpc',
    utm_campaign: '',
    utm_term: '',
    utm_content: '',
    click_id_type: '',
    click_id: '',
    element_id: type === 'impression' || type === 'click' ? `card-${i % 40}` : '',
    event_title: '',
    x: type === 'click' ? i % 1200 : null,
    y: type === 'click' ? i % 800 : null,
    browser: 'Chrome',
    browser_version: '126',
    os: 'Windows',
    device_type: 'desktop',
    is_bot: false,
    properties: {},
    kafka_partition: 0,
    kafka_offset: String(i),
  };
}

const total = Number(process.argv[2] ?? 1_000_000);
const rounds = Number(process.argv[3] ?? 3);
const VIEWS = process.argv[4]?.split(',') ?? SPEED_LAYER_VIEWS;
for (const view of VIEWS) {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(view)) throw new Error(`speed-layer-cost: "${view}" is not a view name`);
}
const config = loadConfig();
const endpoints = resolveEndpoints(config);
const clickhouse = createClickHouse(clickhouseTarget(config, endpoints, { requestTimeoutMs: 600_000 }));
const batchRows = config.consumer.flushRows;
const serverCpu = await embeddedClickHouseCpu(config, (name) => name === 'clickhouse');

interface Phase {
  views: boolean;
  wallMs: number;
  cpuMs: number;
}

async function insertPhase(views: boolean, round: number): Promise<Phase> {
  const site = `speedcost_${round}_${views ? 'on' : 'off'}_${Date.now().toString(36)}`;
  const cpu0 = serverCpu();
  const t0 = performance.now();
  const now = new Date();
  for (let done = 0; done < total; done += batchRows) {
    const rows: EventRow[] = [];
    for (let i = done; i < Math.min(total, done + batchRows); i++) rows.push(row(i, site, now));
    await insertRows(clickhouse, 'events', EVENT_NATIVE_COLUMNS, rows, `${site}:${done}`);
  }
  const wallMs = performance.now() - t0;
  await sleep(5000); // the merges the inserts set off are part of their cost
  return { views, wallMs, cpuMs: (serverCpu() - cpu0) * 1000 };
}

async function setViews(attached: boolean): Promise<void> {
  for (const view of VIEWS) {
    // view names are checked identifiers (above)
    await clickhouse.command({
      query: `${attached ? 'ATTACH' : 'DETACH'} TABLE IF ${attached ? 'NOT ' : ''}EXISTS ${view}`,
    });
  }
}

const phases: Phase[] = [];
try {
  for (let round = 1; round <= rounds; round++) {
    for (const views of round % 2 === 1 ? [true, false] : [false, true]) {
      await setViews(views);
      const phase = await insertPhase(views, round);
      phases.push(phase);
      process.stdout.write(
        `round ${round} views ${views ? 'on ' : 'off'}: ${total} rows in ${(phase.wallMs / 1000).toFixed(1)} s ` +
          `(${Math.round(total / (phase.wallMs / 1000))} rows/s), ClickHouse CPU ${(phase.cpuMs / 1000).toFixed(1)} s ` +
          `(${((phase.cpuMs * 1000) / total).toFixed(2)} µs/row)\n`,
      );
    }
  }
} finally {
  await setViews(true);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const summary = (views: boolean) => {
  const mine = phases.filter((p) => p.views === views);
  return {
    rowsPerS: median(mine.map((p) => total / (p.wallMs / 1000))),
    cpuUsPerRow: median(mine.map((p) => (p.cpuMs * 1000) / total)),
  };
};
const on = summary(true);
const off = summary(false);
process.stdout.write(
  `median: with views ${Math.round(on.rowsPerS)} rows/s, ${on.cpuUsPerRow.toFixed(2)} µs CPU/row; ` +
    `without ${Math.round(off.rowsPerS)} rows/s, ${off.cpuUsPerRow.toFixed(2)} µs CPU/row; ` +
    `the speed layer adds ${(on.cpuUsPerRow - off.cpuUsPerRow).toFixed(2)} µs of ClickHouse CPU per event ` +
    `(${(((on.cpuUsPerRow - off.cpuUsPerRow) / off.cpuUsPerRow) * 100).toFixed(0)} % of the insert)\n`,
);
await clickhouse.close();
