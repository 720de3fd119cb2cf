/**
 * The fast path to a big `events` table: N historical rows made inside ClickHouse with
 * INSERT ... SELECT (no API, no Kafka), spread over the `days` whole UTC days before today,
 * under one site id, shaped like real traffic so the marts do realistic work:
 *
 * - visitors come back: sessions per visitor are geometric (mean ~2.2, up to 20), at random
 *   times of the span with a day/night curve;
 * - sessions have several pages (geometric, mean ~2.5; bots longer), 20-120 s apart, each
 *   page a pageview, 0-10 impressions of Zipf-ranked elements, a click on ~10 % of them;
 *   a fifth of the sessions of 2+ pages end on /checkout, half of those with a checkout;
 * - pages and elements are ranked as floor((N+1)^u) for a uniform u: P(rank r) =
 *   ln(1 + 1/r) / ln(N + 1), falling as 1/r (Zipf) past the first ranks; the top page gets
 *   ~13 % of views;
 * - identities: 15 % of visitors log in (an identify event at the end of their first
 *   session, their user id on the later ones), 52 % keep an anonymous id and session ids,
 *   30 % are cookieless (no ids: the consumer's daily visitor hash, sessions made by the
 *   gap rule), 3 % are bots;
 * - 1 % of events arrive twice (same event id, received again seconds later).
 */
import type { ClickHouseClient } from '../lib/clickhouse.js';
import { cumulativeShares, SEED_HOST, seedCatalog } from './seed-catalog.js';

export interface SeedResult {
  rows: number;
  seconds: number;
  from: Date;
  to: Date;
}

/**
 * Rows one visitor makes on average with the shapes below (measured: ~42 over 1M rows);
 * the seed makes visitors for 25 % more rows than asked and stops at N.
 */
const EVENTS_PER_VISITOR = 40;
/** Share of sessions starting in each UTC hour: a day/night curve. */
const HOUR_WEIGHTS = [2, 1, 1, 1, 1, 2, 3, 5, 7, 8, 8, 8, 8, 8, 8, 8, 7, 7, 8, 9, 9, 7, 5, 3];
/** The tables materialized views fill from inserts into events (constants: spliced into SQL). */
const SETTLED_AFTER_SEED = [
  'mart_traffic_hourly_speed',
  'mart_ctr_daily_speed',
  'mart_events_loaded_minutely',
  'mart_events_loaded_hourly',
];
/** A session ends at most ~1 h after it starts; starts stay this far before the span's end. */
const LAST_START_MS = 2 * 3_600_000;

// A uniform draw in [0, 1) is cityHash64(the row's coordinates, k) % 1000000 / 1000000; k
// (a constant) keeps the draws of one row independent.
const SEED_SQL = `
INSERT INTO events (event_id, site_id, type, session_id, user_id, anonymous_id, visitor_id, ts, received_at,
  inserted_at, url, host, path, referrer_domain, channel, utm_source, utm_medium, utm_campaign, element_id,
  event_title, x, y, browser, os, device_type, is_bot, properties)
SELECT
  reinterpretAsUUID(concat(reinterpretAsFixedString(id_hash), reinterpretAsFixedString(cityHash64(id_hash, 1)))),
  {site:String},
  type,
  if(kind >= 2, concat('ses-', toString(v), '-', toString(sn)), ''),
  user_id,
  if(kind >= 2, concat('anon-', toString(v)), ''),
  if(user_id != '', concat('u:', user_id), concat('h', hex(cityHash64(v, toDate(ts))))),
  ts,
  received_at,
  received_at + toIntervalMillisecond(300 + h % 1500),
  concat('https://', {host:String}, path),
  {host:String},
  path,
  if(pn = 0, {src_referrer:Array(String)}[src], {internal_referrer:String}),
  if(pn = 0, {src_channel:Array(String)}[src], {internal_channel:String}),
  if(pn = 0, {src_utm_source:Array(String)}[src], ''),
  if(pn = 0, {src_utm_medium:Array(String)}[src], ''),
  if(pn = 0, {src_utm_campaign:Array(String)}[src], ''),
  element,
  multiIf(type = 'pageview', concat('Page ', path), element),
  if(type = 'click', toInt32(greatest(0, toInt64(cityHash64(element, 30) % 1200) + toInt64(h % 160) - 80)), NULL),
  if(type = 'click', toInt32(greatest(0, toInt64(cityHash64(element, 31) % 2800) + toInt64(h % 120) - 60)), NULL),
  if(kind = 0, {bot_browser:Array(String)}[agent], {browser:Array(String)}[agent]),
  if(kind = 0, {bot_os:Array(String)}[agent], {os:Array(String)}[agent]),
  if(kind = 0, {bot_device:Array(String)}[agent], {device:Array(String)}[agent]),
  kind = 0,
  if(type = 'checkout', map('revenue', toString(5 + (h % 30000) / 100), 'currency', ['EUR', 'USD', 'GBP'][1 + h % 3]), map())
FROM (
  SELECT *, slot, copy,
    cityHash64(v, sn, pn, slot, 7) AS h,
    cityHash64(v, sn, pn, slot, {salt:UInt64}) AS id_hash,
    multiIf(slot = 0, 'pageview', slot <= 2 * k AND slot % 2 = 1, 'impression', slot <= 2 * k, 'click',
            slot = 2 * k + 1, 'checkout', 'identify') AS type,
    if(type IN ('impression', 'click'),
       {elements:Array(String)}[toUInt32(pow(length({elements:Array(String)}) + 1, cityHash64(v, sn, pn, intDiv(slot - 1, 2), 22) % 1000000 / 1000000))],
       '') AS element,
    if(kind = 3 AND (sn > 0 OR type = 'identify'), concat('user-', toString(v)), '') AS user_id,
    toDateTime64({from:DateTime64(3, 'UTC')}, 3, 'UTC')
      + toIntervalMillisecond(start_ms + page_ms + slot * 700 + cityHash64(v, sn, pn, slot, 24) % 500) AS ts,
    ts + toIntervalMillisecond(200 + cityHash64(v, sn, pn, slot, 25) % 3000 + copy * (5000 + cityHash64(v, sn, pn, slot, 26) % 60000)) AS received_at
  FROM (
    SELECT *, pn, page_ms,
      if(is_checkout AND pn = pages - 1, '/checkout',
         {paths:Array(String)}[toUInt32(pow(length({paths:Array(String)}) + 1, cityHash64(v, sn, pn, 27) % 1000000 / 1000000))]) AS path,
      cityHash64(v, sn, pn, 21) % 11 AS k
    FROM (
      SELECT *, sn,
        -- geometric pages per session: humans continue with 0.6, bots with 0.85
        1 + least(toUInt32(floor(log((cityHash64(v, sn, 12) % 1000000 + 1) / 1000000) / log(if(kind = 0, 0.85, 0.6)))), 29) AS pages,
        kind > 0 AND pages >= 2 AND cityHash64(v, sn, 13) % 5 = 0 AS is_checkout,
        arrayFirstIndex(c -> c >= cityHash64(v, sn, 14) % 1000000 / 1000000, {src_cumulative:Array(Float64)}) AS src,
        (cityHash64(v, sn, 15) % {days:UInt32}) * 86400000
          + (arrayFirstIndex(c -> c >= cityHash64(v, sn, 16) % 1000000 / 1000000, {hour_cumulative:Array(Float64)}) - 1) * 3600000
          + cityHash64(v, sn, 17) % 3600000 AS start_raw,
        if(start_raw > {last_start_ms:UInt64}, start_raw - {margin_ms:UInt64}, start_raw) AS start_ms,
        arrayCumSum(arrayMap(i -> if(i = 0, 0, 20000 + cityHash64(v, sn, i, 20) % 100000), range(pages))) AS pages_ms
      FROM (
        SELECT
          number AS v,
          multiIf(cityHash64(number, 1) % 100 < 3, 0, cityHash64(number, 1) % 100 < 33, 1,
                  cityHash64(number, 1) % 100 < 85, 2, 3) AS kind, -- bot, cookieless, anonymous, logs in
          if(kind = 0, 1 + number % length({bot_browser:Array(String)}),
             arrayFirstIndex(c -> c >= cityHash64(number, 2) % 1000000 / 1000000, {agent_cumulative:Array(Float64)})) AS agent,
          -- geometric sessions per visitor, continuing with 0.55
          1 + least(toUInt32(floor(log((cityHash64(number, 3) % 1000000 + 1) / 1000000) / log(0.55))), 19) AS sessions
        FROM numbers({visitors:UInt64})
      )
      ARRAY JOIN range(sessions) AS sn
    )
    ARRAY JOIN
      range(pages) AS pn,
      pages_ms AS page_ms
  )
  ARRAY JOIN range(2 * k + 3) AS slot
  ARRAY JOIN if(cityHash64(v, sn, pn, slot, 23) % 100 = 0, [0, 1], [0]) AS copy
  WHERE multiIf(slot = 0 OR (slot <= 2 * k AND slot % 2 = 1), true,
                slot <= 2 * k, kind > 0 AND cityHash64(v, sn, pn, slot, 28) % 10 = 0,
                slot = 2 * k + 1, is_checkout AND pn = pages - 1 AND cityHash64(v, sn, 29) % 2 = 0,
                kind = 3 AND sn = 0 AND pn = pages - 1)
)
LIMIT {n:UInt64}`;

/** Inserts `rows` events for `siteId` over the `days` days before today (UTC). */
export async function seedEvents(
  clickhouse: ClickHouseClient,
  options: { siteId: string; rows: number; days: number },
): Promise<SeedResult> {
  const today = new Date(new Date().toISOString().slice(0, 10));
  const from = new Date(today.getTime() - options.days * 86_400_000);
  const catalog = seedCatalog();
  const spanMs = options.days * 86_400_000;
  const started = performance.now();
  await clickhouse.command({
    query: SEED_SQL,
    query_params: {
      site: options.siteId,
      n: options.rows,
      visitors: Math.ceil((options.rows * 1.25) / EVENTS_PER_VISITOR) + 50,
      salt: Date.now(),
      from: from.toISOString().replace('T', ' ').replace('Z', ''),
      days: options.days,
      last_start_ms: spanMs - LAST_START_MS,
      margin_ms: LAST_START_MS,
      host: SEED_HOST,
      paths: catalog.paths,
      elements: catalog.elements,
      src_referrer: catalog.sources.referrerDomain,
      src_channel: catalog.sources.channel,
      src_utm_source: catalog.sources.utmSource,
      src_utm_medium: catalog.sources.utmMedium,
      src_utm_campaign: catalog.sources.utmCampaign,
      src_cumulative: catalog.sources.cumulative,
      internal_referrer: catalog.internal.referrerDomain,
      internal_channel: catalog.internal.channel,
      browser: catalog.agents.browser,
      os: catalog.agents.os,
      device: catalog.agents.deviceType,
      agent_cumulative: catalog.agents.cumulative,
      bot_browser: catalog.bots.browser,
      bot_os: catalog.bots.os,
      bot_device: catalog.bots.deviceType,
      hour_cumulative: cumulativeShares(HOUR_WEIGHTS),
    },
    // Keep the duplicates: by default a block is deduplicated as a merge would, at insert.
    clickhouse_settings: { wait_end_of_query: 1, optimize_on_insert: 0 },
  });
  // One INSERT of N rows reaches the materialized views in blocks of ~1M rows, each with
  // every hour of the span: the aggregate tables get ten partial rows per key in parts no
  // background merge is due to touch. The consumer's inserts are one block each and merge
  // away; settle these the way those merges would, so queries see a settled table.
  for (const table of SETTLED_AFTER_SEED) {
    await clickhouse.command({ query: `OPTIMIZE TABLE ${table} FINAL`, clickhouse_settings: { wait_end_of_query: 1 } });
  }
  return { rows: options.rows, seconds: (performance.now() - started) / 1000, from, to: new Date(today.getTime() - 1) };
}
