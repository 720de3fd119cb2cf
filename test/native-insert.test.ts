/**
 * The consumer's Native encoder against the real ClickHouse: the same rows inserted as Native
 * (our encoder) and as JSONEachRow (the client's) read back identically, edge values
 * included; a value that cannot be encoded rejects only its row.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { EVENT_NATIVE_COLUMNS, EVENT_ROW_COLUMNS, type EventRow } from '../consumer/event-row.js';
import { insertRows } from '../consumer/insert-rows.js';
import { queryRows, testClickHouse, uniqueName } from './helpers.js';

const clickhouse = testClickHouse();

function row(i: number, over: Partial<EventRow> = {}): EventRow {
  return {
    event_id: `0000000${i}-1111-4222-8333-44445555666${i}`,
    site_id: 'native',
    type: 'pageview',
    session_id: `s${i}`,
    user_id: '',
    anonymous_id: 'anon',
    visitor_id: 'a3f1c2d4e5f60718293a4b5c6d7e8f90',
    ts: Date.parse('2025-06-01T12:00:00.123Z') + i,
    site_date: '2025-06-01',
    received_at: Date.parse('2025-06-01T12:00:01.456Z'),
    url: 'https://shop.example/a?utm_source=x',
    host: 'shop.example',
    path: '/a',
    query: 'utm_source=x',
    referrer: '',
    referrer_domain: '',
    channel: 'direct',
    utm_source: 'x',
    utm_medium: '',
    utm_campaign: '',
    utm_term: '',
    utm_content: '',
    click_id_type: '',
    click_id: '',
    element_id: '#buy',
    event_title: 'Buy',
    x: 10,
    y: null,
    browser: 'Chrome',
    browser_version: '120',
    os: 'Linux',
    device_type: 'desktop',
    is_bot: false,
    properties: {},
    kafka_partition: 3,
    kafka_offset: String(1000 + i),
    ...over,
  };
}

const ROWS: EventRow[] = [
  row(1),
  row(2, {
    event_id: 'ABCDEF01-2345-4678-9ABC-DEF012345678',
    session_id: 'ünïcødé 👋 '.repeat(20), // multi-byte, past one-byte lengths
    event_title: 'x'.repeat(300), // ASCII past 127 bytes
    url: `https://shop.example/${'é'.repeat(50)}`,
    x: -2_147_483_648,
    y: 2_147_483_647,
    is_bot: true,
    properties: JSON.parse('{"plan":"pro","":"empty key","__proto__":"kept","n":"42"}'),
    kafka_partition: 65535,
    kafka_offset: '9007199254740993', // above 2^53
  }),
  row(3, { element_id: 'half \ud800 pair', x: null, y: 0 }),
];

afterAll(() => clickhouse.close());

describe('Native inserts', () => {
  it('store exactly what JSONEachRow stores', async () => {
    const native = uniqueName('native');
    const json = uniqueName('json');
    for (const t of [native, json]) await clickhouse.command({ query: `CREATE TABLE ${t} AS events` });
    try {
      const outcome = await insertRows(clickhouse, native, EVENT_NATIVE_COLUMNS, ROWS, uniqueName('t'));
      expect(outcome).toEqual({ inserted: 3, rejected: [] });
      const text = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
      await clickhouse.insert({
        table: json,
        format: 'JSONEachRow',
        values: ROWS.map((r) => ({
          ...r,
          ts: text(r.ts),
          received_at: text(r.received_at),
          // What a UTF-8 encoder does with half a surrogate pair, as Buffer#write does for Native.
          element_id: r.element_id.toWellFormed(),
        })),
      });
      const read = (t: string) =>
        queryRows<Record<string, unknown>>(clickhouse, `SELECT * EXCEPT (inserted_at) FROM ${t} ORDER BY session_id`);
      const [a, b] = await Promise.all([read(native), read(json)]);
      expect(a).toEqual(b);
      expect(a).toHaveLength(3);
      const [second] = await queryRows<{ offset: string; id: string }>(
        clickhouse,
        `SELECT toString(kafka_offset) AS offset, toString(event_id) AS id FROM ${native} WHERE kafka_partition = 65535`,
      );
      expect(second).toEqual({ offset: '9007199254740993', id: 'abcdef01-2345-4678-9abc-def012345678' });
    } finally {
      for (const t of [native, json]) await clickhouse.command({ query: `DROP TABLE IF EXISTS ${t}` });
    }
  });

  it('rejects a row whose value its column cannot hold, and inserts the others', async () => {
    const table = uniqueName('native_bad');
    await clickhouse.command({ query: `CREATE TABLE ${table} AS events` });
    try {
      const bad = row(2, { event_id: 'not-a-uuid' });
      const outcome = await insertRows(clickhouse, table, EVENT_NATIVE_COLUMNS, [row(1), bad, row(3)], uniqueName('t'));
      expect(outcome.inserted).toBe(2);
      expect(outcome.rejected).toEqual([
        { row: bad, reason: { code: 'insert_error', detail: 'column event_id: not a UUID: "not-a-uuid"' } },
      ]);
      const stored = await queryRows<{ session_id: string }>(clickhouse, `SELECT session_id FROM ${table} ORDER BY 1`);
      expect(stored.map((r) => r.session_id)).toEqual(['s1', 's3']);
    } finally {
      await clickhouse.command({ query: `DROP TABLE IF EXISTS ${table}` });
    }
  });

  it('writes every column of the events row, in order', () => {
    expect(EVENT_NATIVE_COLUMNS.map((c) => c.name)).toEqual([...EVENT_ROW_COLUMNS]);
  });
});
