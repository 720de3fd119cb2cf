import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findJsonSyntaxError } from './json-syntax-error.js';

const parses = (s: string): boolean => {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
};

describe('findJsonSyntaxError', () => {
  it.each([
    ['{"a":}', 5, 'unexpected character "}", expected a JSON value'],
    ['[1,2', 4, "unexpected end of input, expected ',' or ']'"],
    ['"abc', 4, 'unexpected end of input, unterminated string'],
    ['["a\\x"]', 3, 'bad escape in string'],
    ['["\\u12G4"]', 2, 'bad \\u escape in string'],
    ['[01]', 2, 'malformed number'],
    ['[1.]', 2, 'malformed number'],
    ['[-]', 1, 'malformed number'],
    ['["tab\there"]', 5, 'control character in string (escape it)'],
    ['nul', 0, 'unexpected character "n", expected a JSON value'],
    ['', 0, 'unexpected end of input, expected a JSON value'],
  ])('%j fails at %i', (text, position, message) => {
    expect(findJsonSyntaxError(text)).toMatchObject({ position, message });
  });

  it('counts lines and columns from 1', () => {
    expect(findJsonSyntaxError('[\n1,\n  x]')).toMatchObject({ line: 3, column: 3, position: 7 });
  });

  it('survives a million levels of nesting', () => {
    expect(findJsonSyntaxError('['.repeat(1_000_000))).toMatchObject({ position: 1_000_000 });
    expect(findJsonSyntaxError('['.repeat(1_000_000) + ']'.repeat(1_000_000))).toBeNull();
  });

  it('agrees with JSON.parse on what is valid', () => {
    const jsonish = fc.stringMatching(/^[[\]{}",:0-9eE.+\-a-z\\ \n]{0,30}$/);
    const valid = fc.json().map((s) => s);
    fc.assert(
      fc.property(fc.oneof(jsonish, valid, fc.string()), (text) => {
        expect(findJsonSyntaxError(text) === null).toBe(parses(text));
      }),
      { numRuns: 5000 },
    );
  });
});
