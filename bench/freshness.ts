/**
 * End-to-end freshness: marker events posted through the real API at a steady pace,
 * and ClickHouse polled for them. Freshness of a marker = when the poll first saw it in
 * `clickstream.events` minus when its POST started; so it includes the API, Kafka, the
 * consumer's batching (CONSUMER_FLUSH_MS) and the insert, plus up to one poll interval.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClickHouseClient } from '../lib/clickhouse.js';
import { createSamples, type Percentiles } from './percentiles.js';

export const MARKER_TYPE = 'bench_marker';

export interface FreshnessOptions {
  apiUrl: string;
  key: string;
  siteId: string;
  clickhouse: ClickHouseClient;
  postEveryMs?: number;
  pollEveryMs?: number;
}

export interface FreshnessResult {
  markersAccepted: number;
  /** Markers never seen before the wait ended. */
  markersMissing: number;
  freshnessMs: Percentiles;
}

export interface FreshnessProbe {
  /** Posts markers until `stop()`; polls meanwhile. */
  start(): void;
  /** Stops posting; waits up to `waitMs` for the markers still in flight. */
  stop(waitMs: number): Promise<FreshnessResult>;
}

export function createFreshnessProbe(options: FreshnessOptions): FreshnessProbe {
  const postEvery = options.postEveryMs ?? 250;
  const pollEvery = options.pollEveryMs ?? 100;
  const pending = new Map<string, number>();
  const samples = createSamples();
  let accepted = 0;
  let posting = false;
  let polling = false;
  let loops: Promise<void>[] = [];

  async function postMarker(): Promise<void> {
    const id = randomUUID();
    const t0 = performance.now();
    const response = await fetch(new URL('/events', options.apiUrl), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Write-Key': options.key },
      body: JSON.stringify([{ type: MARKER_TYPE, event_id: id, session_id: 'bench-marker', url: '/bench/marker' }]),
      signal: AbortSignal.timeout(10_000),
    }).catch(() => undefined);
    await response?.arrayBuffer();
    if (response?.status !== 202) return;
    accepted++;
    pending.set(id, t0);
  }

  async function poll(): Promise<void> {
    if (pending.size === 0) return;
    const result = await options.clickhouse.query({
      query: `SELECT toString(event_id) AS id FROM events
              WHERE site_id = {site:String} AND type = {type:String} AND event_id IN {ids:Array(UUID)}`,
      query_params: { site: options.siteId, type: MARKER_TYPE, ids: [...pending.keys()] },
      format: 'JSONEachRow',
    });
    const seenAt = performance.now();
    for (const { id } of await result.json<{ id: string }>()) {
      const t0 = pending.get(id);
      if (t0 === undefined) continue;
      samples.add(seenAt - t0);
      pending.delete(id);
    }
  }

  return {
    start() {
      posting = true;
      polling = true;
      loops = [
        (async () => {
          while (posting) await Promise.all([postMarker(), sleep(postEvery)]);
        })(),
        (async () => {
          while (polling) await Promise.all([poll().catch(() => {}), sleep(pollEvery)]);
        })(),
      ];
    },
    async stop(waitMs) {
      posting = false;
      await loops[0];
      const deadline = performance.now() + waitMs;
      while (pending.size > 0 && performance.now() < deadline) await sleep(pollEvery);
      polling = false;
      await loops[1];
      return { markersAccepted: accepted, markersMissing: pending.size, freshnessMs: samples.percentiles() };
    },
  };
}
