import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitPayload, type SplitPayload } from './properties.js';

const EMPTY: SplitPayload = { element_id: '', event_title: '', x: null, y: null, properties: {} };

describe('splitPayload', () => {
  it.each<[string, unknown, Partial<SplitPayload>]>([
    // not an object: empty
    ['undefined', undefined, {}],
    ['null', null, {}],
    ['array', [1, 2], {}],
    ['string', 'hello', {}],
    ['number', 42, {}],
    ['empty object', {}, {}],
    // known keys lifted out
    [
      'all known keys',
      { element_id: 'buy-button', event_title: 'Buy now', x: 120, y: 340 },
      { element_id: 'buy-button', event_title: 'Buy now', x: 120, y: 340 },
    ],
    ['numeric element_id', { element_id: 42 }, { element_id: '42' }],
    ['boolean event_title', { event_title: false }, { event_title: 'false' }],
    ['null known keys mean absent', { element_id: null, event_title: null, x: null, y: null }, {}],
    // coordinates
    ['fractions rounded', { x: 120.5, y: 10.4 }, { x: 121, y: 10 }],
    ['negative kept, -0 normalized', { x: -15, y: -0.4 }, { x: -15, y: 0 }],
    ['zero is a real coordinate', { x: 0, y: 0 }, { x: 0, y: 0 }],
    ['numeric strings', { x: '120', y: ' 7.6 ' }, { x: 120, y: 8 }],
    ['clamped to Int32', { x: 1e12, y: -1e12 }, { x: 2_147_483_647, y: -2_147_483_648 }],
    // invalid known values stay visible in properties
    ['non-numeric x', { x: 'left' }, { properties: { x: 'left' } }],
    ['empty-string y', { y: '' }, { properties: { y: '' } }],
    ['object element_id', { element_id: { id: 1 } }, { properties: { element_id: '{"id":1}' } }],
    ['boolean x', { x: true }, { properties: { x: 'true' } }],
    // the rest, JSON-encoded when not a string
    [
      'custom properties',
      { element_id: 'cta', plan: 'pro', seats: 3, trial: true, coupon: null, tags: ['a', 'b'], meta: { v: 1 } },
      {
        element_id: 'cta',
        properties: { plan: 'pro', seats: '3', trial: 'true', coupon: 'null', tags: '["a","b"]', meta: '{"v":1}' },
      },
    ],
    ['string that looks like JSON stays as is', { raw: '{"a":1}' }, { properties: { raw: '{"a":1}' } }],
    ['unicode', { title: 'Grüße ✓' }, { properties: { title: 'Grüße ✓' } }],
    ['empty key', { '': 'x' }, { properties: { '': 'x' } }],
    ['undefined values skipped', { a: undefined, b: 'kept' }, { properties: { b: 'kept' } }],
    ['bigint', { big: 10n }, { properties: { big: '10' } }],
  ])('%s', (_name, payload, expected) => {
    expect(splitPayload(payload)).toEqual({ ...EMPTY, ...expected });
  });

  it('keeps a __proto__ key from JSON.parse as an ordinary property', () => {
    const r = splitPayload(JSON.parse('{"__proto__": {"polluted": true}, "constructor": "c"}'));
    expect(Object.keys(r.properties)).toEqual(['__proto__', 'constructor']);
    // biome-ignore lint/suspicious/noProto: the point of the test is a key named __proto__
    expect(r.properties['__proto__']).toBe('{"polluted":true}');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('ignores inherited properties', () => {
    const payload = Object.create({ inherited: 'no' }) as Record<string, unknown>;
    payload['own'] = 'yes';
    expect(splitPayload(payload).properties).toEqual({ own: 'yes' });
  });

  it('never throws on a cycle, and drops only that key', () => {
    const cyclic: Record<string, unknown> = { ok: 1 };
    cyclic['self'] = cyclic;
    expect(splitPayload(cyclic).properties).toEqual({ ok: '1' });
  });

  it('never throws and always yields string values for any JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (payload) => {
        const r = splitPayload(payload);
        for (const v of Object.values(r.properties)) expect(typeof v).toBe('string');
        for (const c of [r.x, r.y]) if (c !== null) expect(Number.isInteger(c)).toBe(true);
      }),
    );
  });
});
