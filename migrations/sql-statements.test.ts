import { describe, expect, it } from 'vitest';
import { splitStatements } from './sql-statements.js';

describe('splitStatements', () => {
  it.each([
    ['one statement, no semicolon', 'SELECT 1', ['SELECT 1']],
    ['two statements', 'SELECT 1;\nSELECT 2;', ['SELECT 1', 'SELECT 2']],
    ['semicolon in a string', "SELECT ';';SELECT 2", ["SELECT ';'", 'SELECT 2']],
    ['escaped quote in a string', "SELECT 'a\\';b'; SELECT 2", ["SELECT 'a\\';b'", 'SELECT 2']],
    ['line comment with semicolon', '-- a; b\nSELECT 1', ['SELECT 1']],
    ['block comment with semicolon', '/* a; b */ SELECT 1;', ['SELECT 1']],
    ['backtick identifier', 'SELECT 1 AS `a;b`', ['SELECT 1 AS `a;b`']],
    ['only comments', '-- nothing\n', []],
  ])('%s', (_name, sql, expected) => {
    expect(splitStatements(sql)).toEqual(expected);
  });
});
