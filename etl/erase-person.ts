/**
 * Erasure of one person's events (a data subject's request): deletes them from
 * `clickstream.events`, then rebuilds every mart build that read them, with the ETL's own
 * build functions, so no mart keeps a count or a session of that person.
 *
 * Who the person is:
 * - `--user ID`: the events with that `user_id`, and the anonymous events (no `user_id`)
 *   of every anonymous id linked to it. A link is any event carrying both ids (an
 *   `identify` event, or any event sent while signed in). Events of another user that
 *   carry one of those anonymous ids are that user's, and stay.
 * - `--anonymous-id ID`: the anonymous events (no `user_id`) with that anonymous id. Users
 *   it is linked to are named in the report: their signed-in events are erased by `--user`.
 *
 * The rows are removed with `ALTER TABLE … DELETE` (a mutation that rewrites the affected
 * parts, waited for), one day partition at a time: the bytes are gone from disk, which a
 * lightweight DELETE (a mask until some later merge) does not promise. Copies outside
 * ClickHouse (the Kafka topics events.raw and events.dlq) age out with the topics' retention.
 */
import type { ClickHouseClient } from '../lib/clickhouse.js';
import { singleServer } from '../lib/clickhouse-shards.js';
import { buildMarts } from './build-marts.js';
import type { BuildDeps } from './build-partition.js';
import type { Day } from './day-window.js';
import { BUILT_MARTS, type MartName, mart } from './marts.js';
import { rebuildRanges } from './rebuild-ranges.js';

/** Whose events: a signed-in user, or an anonymous id alone. */
export type PersonRef = { site: string; userId: string } | { site: string; anonymousId: string };

export interface ErasureReport {
  site: string;
  userId?: string;
  anonymousId?: string;
  /** `--user`: the anonymous ids linked to the user, whose anonymous events were erased too. */
  linkedAnonymousIds: string[];
  /** `--anonymous-id`: users the anonymous id is linked to (not erased by this request). */
  linkedUserIds: string[];
  /** Distinct events (event ids) and stored rows (duplicates not merged yet count) per UTC day. */
  days: Array<{ day: Day; events: number; rows: number }>;
  events: number;
  rows: number;
  /** Rows matching the person after the deletion (0 unless `dryRun`). */
  remaining: number;
  /** Mart builds rerun: per mart, the days rebuilt. */
  rebuilt: Array<{ mart: MartName; days: Day[] }>;
  dryRun: boolean;
}

export interface EraseDeps extends BuildDeps {
  now?: () => Date;
  /** Progress, for the command's output. */
  onStep?: (message: string) => void;
}

/** The SQL condition for the person's rows and its parameters. */
function personCondition(ref: PersonRef, linkedAnonymousIds: string[]) {
  if ('userId' in ref) {
    return {
      where:
        "site_id = {site:String} AND (user_id = {user:String} OR (user_id = '' AND has({anonymous:Array(String)}, anonymous_id)))",
      params: { site: ref.site, user: ref.userId, anonymous: linkedAnonymousIds },
    };
  }
  return {
    where: "site_id = {site:String} AND user_id = '' AND anonymous_id = {anonymous:String}",
    params: { site: ref.site, anonymous: ref.anonymousId },
  };
}

async function rows<T>(clickhouse: ClickHouseClient, query: string, params: Record<string, unknown>): Promise<T[]> {
  const result = await clickhouse.query({ query, query_params: params, format: 'JSONEachRow' });
  return result.json<T>();
}

/** Finds the person's events, deletes them (unless `dryRun`) and rebuilds the marts that read them. */
export async function erasePerson(deps: EraseDeps, ref: PersonRef, { dryRun = false } = {}): Promise<ErasureReport> {
  const { clickhouse } = deps;
  const shards = deps.shards ?? singleServer(clickhouse);
  const step = deps.onStep ?? (() => {});
  const linked =
    'userId' in ref
      ? await rows<{ id: string }>(
          clickhouse,
          "SELECT DISTINCT anonymous_id AS id FROM events WHERE site_id = {site:String} AND user_id = {user:String} AND anonymous_id != '' ORDER BY id",
          { site: ref.site, user: ref.userId },
        )
      : await rows<{ id: string }>(
          clickhouse,
          "SELECT DISTINCT user_id AS id FROM events WHERE site_id = {site:String} AND anonymous_id = {anonymous:String} AND user_id != '' ORDER BY id",
          { site: ref.site, anonymous: ref.anonymousId },
        );
  const linkedIds = linked.map((r) => r.id);
  const condition = personCondition(ref, 'userId' in ref ? linkedIds : []);

  const found = await rows<{ day: Day; partition: string; events: string; rows: string }>(
    clickhouse,
    `SELECT toString(toDate(ts)) AS day, _partition_id AS partition, uniqExact(event_id) AS events, count() AS rows
     FROM events WHERE ${condition.where} GROUP BY day, partition ORDER BY day`,
    condition.params,
  );
  const days = found.map((f) => ({ day: f.day, events: Number(f.events), rows: Number(f.rows) }));
  step(`found ${days.reduce((n, d) => n + d.events, 0)} events on ${days.length} days`);

  const rebuilt: ErasureReport['rebuilt'] = [];
  if (!dryRun && found.length > 0) {
    for (const { partition, day } of found) {
      // A partition id from system data, spliced as a literal: ALTER takes no parameter there.
      if (!/^\d{8}$/.test(partition)) throw new Error(`unexpected partition id ${JSON.stringify(partition)}`);
      // on a cluster, each shard's own events (a Distributed table takes no mutation)
      await shards.run(
        (on) =>
          `ALTER TABLE ${shards.local('events')}${on} DELETE IN PARTITION ID '${partition}' WHERE ${condition.where}`,
        // Wait until the parts are rewritten (every replica's): only then are the rows gone.
        { params: condition.params, settings: { mutations_sync: '2' } },
      );
      step(`deleted the events of ${day}`);
    }
    const now = deps.now?.() ?? new Date();
    const eventDays = found.map((f) => f.day);
    const byLookback = new Map<number, MartName[]>();
    for (const name of BUILT_MARTS) {
      const back = mart(name).daysBefore(deps.options);
      byLookback.set(back, [...(byLookback.get(back) ?? []), name]);
    }
    const perMart = new Map<MartName, Set<Day>>();
    for (const [back, marts] of byLookback) {
      for (const range of rebuildRanges(eventDays, back, now)) {
        const results = await buildMarts({ ...deps, from: range.from, to: range.to, marts, trigger: 'erase' });
        for (const r of results) perMart.set(r.mart, (perMart.get(r.mart) ?? new Set()).add(r.day));
      }
      step(`rebuilt ${marts.join(', ')}`);
    }
    for (const [name, built] of perMart) rebuilt.push({ mart: name, days: [...built].sort() });
  }

  const [left] = await rows<{ n: string }>(
    clickhouse,
    `SELECT count() AS n FROM events WHERE ${condition.where}`,
    condition.params,
  );
  return {
    site: ref.site,
    ...('userId' in ref ? { userId: ref.userId } : { anonymousId: ref.anonymousId }),
    linkedAnonymousIds: 'userId' in ref ? linkedIds : [],
    linkedUserIds: 'userId' in ref ? [] : linkedIds,
    days,
    events: days.reduce((n, d) => n + d.events, 0),
    rows: days.reduce((n, d) => n + d.rows, 0),
    remaining: Number(left?.n ?? 0),
    rebuilt,
    dryRun,
  };
}
