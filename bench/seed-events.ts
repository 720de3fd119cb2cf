/**
 * The fast path to a big `events` table: N historical rows made inside ClickHouse with
 * INSERT ... SELECT FROM numbers(N) (no API, no Kafka), spread over the `days` whole UTC
 * days before today, under one site id. Shapes follow the generator's: Zipf-ish pages,
 * ~10 impressions per click, a few checkouts with revenue, 3% bots, 1% duplicate ids.
 */
import type { ClickHouseClient } from '../lib/clickhouse.js';

export interface SeedResult {
  rows: number;
  seconds: number;
  from: Date;
  to: Date;
}

const SEED_SQL = `
INSERT INTO events (event_id, site_id, type, session_id, visitor_id, ts, received_at, url, host, path,
  referrer_domain, channel, utm_source, utm_medium, utm_campaign, element_id, event_title, x, y,
  browser, os, device_type, is_bot, properties)
SELECT
  reinterpretAsUUID(reverse(reinterpretAsFixedString(cityHash64(if(number % 100 = 99, number - 1, number), {salt:UInt64})))),
  {site:String},
  multiIf(r < 30, 'pageview', r < 91, 'impression', r < 97, 'click', r < 98, 'checkout', 'impression'),
  concat('s', toString(v), '-', toString(intDiv(number, 40000))),
  concat('v', toString(v)),
  ts,
  ts + toIntervalMillisecond(200 + cityHash64(number, 8) % 3000),
  concat('https://shop.bench.example', p),
  'shop.bench.example',
  p,
  ['', 'google.com', 'facebook.com', 't.co', ''][1 + v % 5],
  ['direct', 'search', 'social', 'email', 'paid'][1 + v % 5],
  ['', 'google', 'facebook', 'newsletter', ''][1 + v % 5],
  ['', 'cpc', 'social', 'email', ''][1 + v % 5],
  ['', 'brand', 'summer_sale', 'weekly_42', ''][1 + v % 5],
  if(r >= 30 AND r < 97, concat('card-', toString(1 + cityHash64(number, 4) % 20)), ''),
  '',
  toInt32(cityHash64(number, 5) % 1400), toInt32(cityHash64(number, 6) % 3000),
  ['Chrome', 'Safari', 'Firefox', 'Edge'][1 + v % 4], ['Windows', 'iOS', 'Android', 'macOS'][1 + v % 4],
  ['desktop', 'mobile', 'tablet'][1 + v % 3],
  v % 33 = 0,
  if(r = 97, map('revenue', toString(5 + cityHash64(number, 7) % 300)), map())
FROM (
  SELECT number,
    cityHash64(number, 1) % 100 AS r,
    intDiv(cityHash64(number, 9) % {n:UInt64}, 8) AS v,
    -- Zipf-like: squaring a uniform number piles ranks near 0 (the popular pages).
    concat('/p/', toString(toUInt32(pow((cityHash64(number, 3) % 1000) / 1000, 3) * 200))) AS p,
    toDateTime64({from:DateTime64(3, 'UTC')}, 3, 'UTC') + toIntervalMillisecond(cityHash64(number, 2) % {span_ms:UInt64}) AS ts
  FROM numbers({n:UInt64})
)`;

/** Inserts `rows` events for `siteId` over the `days` days before today (UTC). */
export async function seedEvents(
  clickhouse: ClickHouseClient,
  options: { siteId: string; rows: number; days: number },
): Promise<SeedResult> {
  const today = new Date(new Date().toISOString().slice(0, 10));
  const from = new Date(today.getTime() - options.days * 86_400_000);
  const started = performance.now();
  await clickhouse.command({
    query: SEED_SQL,
    query_params: {
      site: options.siteId,
      n: options.rows,
      salt: Date.now(),
      from: from.toISOString().replace('T', ' ').replace('Z', ''),
      span_ms: options.days * 86_400_000,
    },
    clickhouse_settings: { wait_end_of_query: 1 },
  });
  return { rows: options.rows, seconds: (performance.now() - started) / 1000, from, to: new Date(today.getTime() - 1) };
}
