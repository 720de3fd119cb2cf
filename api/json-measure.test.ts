import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { measureJson } from './json-measure.js';

describe('measureJson', () => {
  it('matches the UTF-8 length of JSON.stringify', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const measured = measureJson(value, Infinity, Infinity);
        expect(measured).toMatchObject({ ok: true, bytes: Buffer.byteLength(JSON.stringify(value)) });
      }),
      { numRuns: 2000 },
    );
  });

  it('counts any text as JSON.stringify writes it: escapes, multi-byte characters, lone surrogates', () => {
    const anyText = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) }),
      fc.constantFrom('"\\\b\f\n\r\t\u0000\u001f\u007f', '\ud800', '\udc00x', '😀', '\u2028'),
    );
    fc.assert(
      fc.property(fc.dictionary(anyText, anyText), (value) => {
        const measured = measureJson(value, Infinity, Infinity);
        expect(measured).toMatchObject({ ok: true, bytes: Buffer.byteLength(JSON.stringify(value)) });
      }),
      { numRuns: 2000 },
    );
  });

  it.each([
    [{}, 1],
    [[], 1],
    [1, 0],
    [{ a: [{ b: 1 }] }, 3],
  ] as Array<[unknown, number]>)('depth of %j is %i', (value, depth) => {
    expect(measureJson(value, Infinity, Infinity)).toMatchObject({ ok: true, depth });
  });

  it('stops early instead of walking a huge or deep value', () => {
    expect(measureJson({ a: 'x'.repeat(10_000) }, 100, 10)).toMatchObject({ ok: false, reason: 'too_large' });
    const deep = JSON.parse('['.repeat(1_000_000) + ']'.repeat(1_000_000)) as unknown;
    expect(measureJson(deep, Infinity, 16)).toMatchObject({ ok: false, reason: 'too_deep' });
  });
});
