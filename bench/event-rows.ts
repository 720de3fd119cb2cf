/**
 * Realistic event rows as the consumer inserts them, for the insert benchmarks
 * (bench/insert-formats.ts, bench/cluster-insert.ts).
 */
import { randomUUID } from 'node:crypto';
import { EVENT_NATIVE_COLUMNS, type EventRow } from '../consumer/event-row.js';

/** The columns the consumer inserts, as the Native block it sends. */
export const EVENT_COLUMNS = EVENT_NATIVE_COLUMNS;

/** Row `i` of a bench set: a fresh event id, values that repeat as real traffic does. */
export function row(i: number): EventRow {
  const now = Date.now();
  return {
    event_id: randomUUID(),
    site_id: `site-${i % 5}`,
    type: i % 11 === 0 ? 'click' : 'impression',
    session_id: `s-${i % 5000}`,
    user_id: '',
    anonymous_id: '',
    visitor_id: 'a3f1c2d4e5f60718293a4b5c6d7e8f90',
    ts: now,
    site_date: new Date(now).toISOString().slice(0, 10),
    received_at: now,
    url: `https://shop.example/catalog/${i % 300}?utm_source=google&utm_medium=cpc`,
    host: 'shop.example',
    path: `/catalog/${i % 300}`,
    query: 'utm_source=google&utm_medium=cpc',
    referrer: 'https://www.google.com/',
    referrer_domain: 'google.com',
    channel: 'paid',
    utm_source: 'google',
    utm_medium: 'cpc',
    utm_campaign: 'winter',
    utm_term: '',
    utm_content: '',
    click_id_type: '',
    click_id: '',
    element_id: `#card-${i % 40}`,
    event_title: 'Product card',
    x: i % 1280,
    y: i % 900,
    browser: 'Chrome',
    browser_version: '120',
    os: 'Windows',
    device_type: 'desktop',
    is_bot: false,
    properties: { plan: 'pro' },
    kafka_partition: i % 4,
    kafka_offset: String(i),
  };
}

/** `count` bench rows numbered from `offset`. */
export function benchEventRows(count: number, offset = 0): EventRow[] {
  return Array.from({ length: count }, (_, i) => row(offset + i));
}
