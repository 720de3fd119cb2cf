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

/** A Date as ClickHouse's DateTime64(3) text form in UTC. */
export function toClickHouseTime(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}
