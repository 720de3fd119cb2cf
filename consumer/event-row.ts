/**
 * One row of `clickstream.events` as the consumer inserts it (a Native block). The column
 * list is migrations/0001_events.sql; `inserted_at` is filled by ClickHouse.
 */
import type { NativeColumn, NativeType } from './native-block.js';

export interface EventRow {
  event_id: string;
  site_id: string;
  type: string;
  session_id: string;
  user_id: string;
  anonymous_id: string;
  visitor_id: string;
  /** Epoch milliseconds (DateTime64(3, 'UTC')). */
  ts: number;
  /** 'YYYY-MM-DD': the date of ts in the site's zone when the event was taken (speed layer). */
  site_date: string;
  /** Epoch milliseconds. */
  received_at: number;
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

/**
 * The columns as a Native block writes them, in {@link EVENT_ROW_COLUMNS} order, with their
 * Native types (LowCardinality columns go as String). One getter per column rather than
 * `row[name]`: a property read that always sees one name stays a fast, monomorphic load.
 */
export const EVENT_NATIVE_COLUMNS: ReadonlyArray<NativeColumn<EventRow>> = (
  [
    ['event_id', 'UUID', (r) => r.event_id],
    ['site_id', 'String', (r) => r.site_id],
    ['type', 'String', (r) => r.type],
    ['session_id', 'String', (r) => r.session_id],
    ['user_id', 'String', (r) => r.user_id],
    ['anonymous_id', 'String', (r) => r.anonymous_id],
    ['visitor_id', 'String', (r) => r.visitor_id],
    ['ts', "DateTime64(3, 'UTC')", (r) => r.ts],
    ['site_date', 'Date', (r) => r.site_date],
    ['received_at', "DateTime64(3, 'UTC')", (r) => r.received_at],
    ['url', 'String', (r) => r.url],
    ['host', 'String', (r) => r.host],
    ['path', 'String', (r) => r.path],
    ['query', 'String', (r) => r.query],
    ['referrer', 'String', (r) => r.referrer],
    ['referrer_domain', 'String', (r) => r.referrer_domain],
    ['channel', 'String', (r) => r.channel],
    ['utm_source', 'String', (r) => r.utm_source],
    ['utm_medium', 'String', (r) => r.utm_medium],
    ['utm_campaign', 'String', (r) => r.utm_campaign],
    ['utm_term', 'String', (r) => r.utm_term],
    ['utm_content', 'String', (r) => r.utm_content],
    ['click_id_type', 'String', (r) => r.click_id_type],
    ['click_id', 'String', (r) => r.click_id],
    ['element_id', 'String', (r) => r.element_id],
    ['event_title', 'String', (r) => r.event_title],
    ['x', 'Nullable(Int32)', (r) => r.x],
    ['y', 'Nullable(Int32)', (r) => r.y],
    ['browser', 'String', (r) => r.browser],
    ['browser_version', 'String', (r) => r.browser_version],
    ['os', 'String', (r) => r.os],
    ['device_type', 'String', (r) => r.device_type],
    ['is_bot', 'Bool', (r) => r.is_bot],
    ['properties', 'Map(String, String)', (r) => r.properties],
    ['kafka_partition', 'UInt16', (r) => r.kafka_partition],
    ['kafka_offset', 'UInt64', (r) => r.kafka_offset],
  ] satisfies Array<[(typeof EVENT_ROW_COLUMNS)[number], NativeType, (row: EventRow) => unknown]>
).map(([name, type, get]) => ({ name, type, get }));
