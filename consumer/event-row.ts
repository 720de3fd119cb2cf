/**
 * One row of `clickstream.events` as the consumer inserts it (JSONEachRow). The column
 * list is migrations/0001_events.sql; `inserted_at` is filled by ClickHouse.
 */
export interface EventRow {
  event_id: string;
  site_id: string;
  type: string;
  session_id: string;
  user_id: string;
  anonymous_id: string;
  visitor_id: string;
  /** 'YYYY-MM-DD hh:mm:ss.sss' UTC, which DateTime64(3,'UTC') parses without guessing. */
  ts: string;
  /** 'YYYY-MM-DD': the date of ts in the site's zone when the event was taken (speed layer). */
  site_date: string;
  received_at: string;
  url: string;
  host: string;
  path: string;
  query: string;
  referrer: string;
  referrer_domain: string;
  channel: string;
  utm_source: string;
  utm_medium: string;
  utm_campaign: string;
  utm_term: string;
  utm_content: string;
  click_id_type: string;
  click_id: string;
  element_id: string;
  event_title: string;
  x: number | null;
  y: number | null;
  browser: string;
  browser_version: string;
  os: string;
  device_type: string;
  is_bot: boolean;
  properties: Record<string, string>;
  kafka_partition: number;
  kafka_offset: string;
}

/** The columns the consumer writes, in the order it sends them (the rest have defaults). */
export const EVENT_ROW_COLUMNS = [
  'event_id',
  'site_id',
  'type',
  'session_id',
  'user_id',
  'anonymous_id',
  'visitor_id',
  'ts',
  'site_date',
  'received_at',
  'url',
  'host',
  'path',
  'query',
  'referrer',
  'referrer_domain',
  'channel',
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'utm_term',
  'utm_content',
  'click_id_type',
  'click_id',
  'element_id',
  'event_title',
  'x',
  'y',
  'browser',
  'browser_version',
  'os',
  'device_type',
  'is_bot',
  'properties',
  'kafka_partition',
  'kafka_offset',
] as const satisfies ReadonlyArray<keyof EventRow>;
