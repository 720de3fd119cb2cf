import { ClickHouseError } from '@clickhouse/client';
import { describe, expect, it } from 'vitest';
import { classifyInsertError } from './insert-errors.js';

const server = (code: number, type: string) =>
  new ClickHouseError({ message: `${type} (test)`, code: String(code), type });

describe('classifyInsertError', () => {
  it.each([
    [server(25, 'CANNOT_PARSE_ESCAPE_SEQUENCE'), 'content'],
    [server(6, 'CANNOT_PARSE_TEXT'), 'content'],
    [server(27, 'CANNOT_PARSE_INPUT_ASSERTION_FAILED'), 'content'],
    [server(321, 'VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE'), 'content'],
    [server(252, 'TOO_MANY_PARTS'), 'transient'],
    [server(241, 'MEMORY_LIMIT_EXCEEDED'), 'transient'],
    [server(60, 'UNKNOWN_TABLE'), 'transient'],
    [server(516, 'AUTHENTICATION_FAILED'), 'transient'],
    [server(469, 'VIOLATED_CONSTRAINT'), 'unknown'],
    [server(1, 'UNSUPPORTED_METHOD'), 'unknown'],
    [Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8123'), { code: 'ECONNREFUSED' }), 'transient'],
    [new Error('Timeout error.'), 'transient'],
    [new TypeError('Do not know how to serialize a BigInt'), 'unknown'],
  ] as const)('%s → %s', (error, kind) => {
    expect(classifyInsertError(error)).toBe(kind);
  });
});
