import { describe, expect, it } from 'vitest';
import { DLQ_HEADERS, decodeReason, encodeReason } from './dead-letter.js';

describe('dead-letter reasons on the record', () => {
  it('are written as a code header and the "code: detail" header older readers show', () => {
    expect(encodeReason({ code: 'invalid_json', detail: 'Unexpected token n' })).toEqual({
      [DLQ_HEADERS.reasonCode]: 'invalid_json',
      [DLQ_HEADERS.reason]: 'invalid_json: Unexpected token n',
    });
  });

  it('read back as the same value', () => {
    const reason = {
      code: 'clickhouse_rejected',
      detail: 'ClickHouse error 27: Cannot parse input: expected ","',
    } as const;
    const headers = encodeReason(reason);
    expect(decodeReason(headers[DLQ_HEADERS.reasonCode], headers[DLQ_HEADERS.reason])).toEqual(reason);
  });

  it('cap the text header, never the code', () => {
    const headers = encodeReason({ code: 'clickhouse_rejected', detail: 'x'.repeat(5000) });
    expect(headers[DLQ_HEADERS.reason]).toHaveLength(2000);
    expect(headers[DLQ_HEADERS.reasonCode]).toBe('clickhouse_rejected');
  });

  it.each([
    // Records written before the code header existed: one "code: detail" string.
    ['invalid_json: Unexpected end of JSON input', { code: 'invalid_json', detail: 'Unexpected end of JSON input' }],
    ['invalid_message: event.type missing', { code: 'invalid_message', detail: 'event.type missing' }],
    ['invalid_message: a: b: c', { code: 'invalid_message', detail: 'a: b: c' }],
    [
      'clickhouse 27: Cannot parse input:\nexpected "," before: x',
      { code: 'clickhouse_rejected', detail: 'ClickHouse error 27: Cannot parse input:\nexpected "," before: x' },
    ],
    ['insert_error: socket hang up', { code: 'insert_error', detail: 'socket hang up' }],
    ['something else entirely', { code: 'unknown', detail: 'something else entirely' }],
    ['', { code: 'unknown', detail: '' }],
  ])('older record %j is read as %j', (header, expected) => {
    expect(decodeReason(undefined, header)).toEqual(expected);
  });

  it('trust the code header over the text when both exist', () => {
    expect(decodeReason('invalid_message', 'free text from another producer')).toEqual({
      code: 'invalid_message',
      detail: 'free text from another producer',
    });
  });
});
