import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mayHoldLoneSurrogates, repairLoneSurrogates } from './well-formed-text.js';

const parse = (text: string) => JSON.parse(text) as unknown;
/** Strings rich in surrogate halves (uniform code points would almost never draw one). */
const surrogateRich = fc.string({
  unit: fc.oneof(
    fc.constantFrom('\ud800', '\udbff', '\udc00', '\udfff', 'a', 'é', '😀'),
    fc.string({ unit: 'binary', maxLength: 1 }),
  ),
});

describe('repairLoneSurrogates', () => {
  it.each([
    ['a lone high surrogate', '"\\ud800"', '\ufffd', 1],
    ['a lone low surrogate', '"a\\udc00b"', 'a\ufffdb', 1],
    ['a reversed pair', '"\\udc00\\ud800"', '\ufffd\ufffd', 1],
    ['a real pair (kept)', '"\\ud83d\\ude00"', '😀', 0],
    ['plain text (kept)', '"hello"', 'hello', 0],
  ])('%s', (_name, text, expected, repaired) => {
    expect(repairLoneSurrogates(parse(text))).toEqual({ value: expected, repaired });
  });

  it('repairs values and keys at any depth, in arrays too', () => {
    const value = parse('{"a":{"b\\ud800":["x","\\udfff",{"c":"\\ud800"}]},"ok":1}');
    const { repaired } = repairLoneSurrogates(value);
    expect(repaired).toBe(3);
    expect(value).toEqual({ a: { 'b\ufffd': ['x', '\ufffd', { c: '\ufffd' }] }, ok: 1 });
  });

  it('keeps a __proto__ key as data when its value or name is repaired, and pollutes nothing', () => {
    const value = parse('{"__proto__":"\\ud800","__proto\\ud800":{"polluted":true}}') as Record<string, unknown>;
    repairLoneSurrogates(value);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value).sort()).toEqual(['__proto__', '__proto\ufffd']);
    expect(Object.getOwnPropertyDescriptor(value, '__proto__')?.value).toBe('\ufffd');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('walks a value nested 100,000 levels deep without overflowing the stack', () => {
    const text = `${'['.repeat(100_000)}"\\ud800"${']'.repeat(100_000)}`;
    expect(repairLoneSurrogates(parse(text)).repaired).toBe(1);
  });

  it('leaves every string well formed, whatever the input (property)', () => {
    fc.assert(
      fc.property(fc.json({ depthSize: 'small', stringUnit: 'binary' }), surrogateRich, (json, raw) => {
        const value = parse(json);
        const wrapped = { [raw]: raw, inner: value };
        repairLoneSurrogates(wrapped);
        const all: string[] = [];
        const stack: unknown[] = [wrapped];
        while (stack.length) {
          const v = stack.pop();
          if (typeof v === 'string') all.push(v);
          else if (v && typeof v === 'object') {
            for (const [k, item] of Object.entries(v)) {
              all.push(k);
              stack.push(item);
            }
          }
        }
        return all.every((s) => s.isWellFormed());
      }),
    );
  });
});

describe('mayHoldLoneSurrogates', () => {
  it('is true for any surrogate escape, either case', () => {
    expect(mayHoldLoneSurrogates('["\\ud800"]')).toBe(true);
    expect(mayHoldLoneSurrogates('["\\uDFFF"]')).toBe(true);
  });
  it('is false for text without surrogate escapes', () => {
    expect(mayHoldLoneSurrogates('["\\u00e9", "😀"]')).toBe(false);
  });
  it('has no false negatives: whenever parsing yields a lone surrogate, it said true (property)', () => {
    fc.assert(
      fc.property(surrogateRich, (s) => {
        const text = JSON.stringify(s); // escapes lone surrogates as \udXXX
        const parsed = JSON.parse(text) as string;
        return parsed.isWellFormed() || mayHoldLoneSurrogates(text);
      }),
    );
  });
});
