import { describe, expect, it } from 'vitest';
import { validateBatch } from './event-schema.js';
import { DEFAULT_API_LIMITS, resolveApiLimits } from './limits.js';

const NOW = Date.parse('2025-06-01T12:00:00.000Z');
const limits = resolveApiLimits();
const base = { type: 'click', session_id: 's1', created_at: '2025-06-01T11:00:00Z' };
const one = (over: Record<string, unknown>) => validateBatch([{ ...base, ...over }], limits, NOW);
const pathsOf = (over: Record<string, unknown>) => one(over).rejected[0]?.errors.map((e) => e.path);

describe('event schema', () => {
  it.each([
    [
      'the seed example',
      {
        type: 'click',
        user_id: 1001,
        url: '/catalog?foo=bar',
        payload: { event_title: 'checkout', element_id: '#submit-button', x: 445, y: 315 },
      },
    ],
    ['a custom type', { type: 'video.play:started-v2' }],
    ['an absolute url and referrer', { url: 'https://a.example/x?y=1#z', referrer: 'android-app://com.example' }],
    ['empty referrer (document.referrer)', { referrer: '' }],
    ['nulls for optional fields', { user_id: null, event_id: null, payload: { x: null, note: null } }],
    ['a created_at with offset and fraction', { created_at: '2025-06-01T13:30:00.123456+02:00' }],
    ['no created_at', { created_at: undefined }],
    ['custom payload properties', { payload: { plan: 'pro', tags: ['a', 'b'], nested: { deep: { ok: true } } } }],
  ])('accepts %s', (_name, over) => {
    expect(one(over)).toMatchObject({ rejected: [], valid: [{ index: 0 }] });
  });

  it.each([
    ['missing type', { type: undefined }, ['type']],
    ['type with spaces', { type: 'add to cart' }, ['type']],
    ['type too long', { type: `a${'b'.repeat(64)}` }, ['type']],
    ['non-UUID event_id', { event_id: '1234' }, ['event_id']],
    ['nil event_id', { event_id: '00000000-0000-0000-0000-000000000000' }, ['event_id']],
    ['id too long', { anonymous_id: 'x'.repeat(129) }, ['anonymous_id']],
    ['empty session_id', { session_id: '' }, ['session_id']],
    ['fractional user_id', { user_id: 1.5 }, ['user_id']],
    ['object user_id', { user_id: { id: 1 } }, ['user_id']],
    ['relative url', { url: 'catalog' }, ['url']],
    ['url too long', { url: `/${'a'.repeat(2048)}` }, ['url']],
    ['date-only created_at', { created_at: '2025-06-01' }, ['created_at']],
    ['created_at without zone', { created_at: '2025-06-01T10:00:00' }, ['created_at']],
    ['impossible date', { created_at: '2025-02-30T10:00:00Z' }, ['created_at']],
    ['payload not an object', { payload: [1, 2] }, ['payload']],
    ['payload.x not a number', { payload: { x: '10' } }, ['payload.x']],
    ['element_id too long', { payload: { element_id: 'e'.repeat(129) } }, ['payload.element_id']],
    ['x beyond Int32', { payload: { x: 2 ** 31 } }, ['payload.x']],
    ['y below Int32', { payload: { y: -(2 ** 31) - 1 } }, ['payload.y']],
    ['x infinite (1e400)', { payload: { x: Infinity } }, ['payload.x']],
    ['an infinite custom value', { payload: { price: Infinity } }, ['payload.price']],
    ['an infinite value deep in payload', { payload: { cart: [{ qty: -Infinity }] } }, ['payload.cart.0.qty']],
    ['an infinite unknown top-level field', { weight: Infinity }, ['weight']],
    ['several problems at once', { type: 1, url: 5 }, ['type', 'url']],
    ['identify without user_id', { type: 'identify', anonymous_id: 'a1' }, ['user_id']],
    ['identify without either id', { type: 'identify' }, ['user_id', 'anonymous_id']],
  ])('rejects %s at its path', (_name, over, paths) => {
    expect(pathsOf(over)).toEqual(paths);
  });

  it('normalizes: numeric user_id to string, event_id lower-cased, created_at to UTC ms', () => {
    const { valid } = one({
      user_id: 42,
      event_id: 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11',
      created_at: '2025-06-01T13:30:00.5+02:00',
    });
    expect(valid[0]?.event).toMatchObject({
      user_id: '42',
      event_id: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
      created_at: '2025-06-01T11:30:00.500Z',
    });
  });

  it('takes an identify event with both ids', () => {
    const verdict = one({ type: 'identify', user_id: 7, anonymous_id: 'a1' });
    expect(verdict.rejected).toEqual([]);
    expect(verdict.valid[0]?.event).toMatchObject({ type: 'identify', user_id: '7', anonymous_id: 'a1' });
    expect(one({ type: 'identify', anonymous_id: 'a1' }).rejected[0]?.reason).toBe('invalid_identify');
  });

  it('makes an event_id when there is none, distinct per event', () => {
    const { valid } = validateBatch([base, base], limits, NOW);
    expect(valid[0]?.event.event_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(valid[0]?.event.event_id).not.toBe(valid[1]?.event.event_id);
  });

  it('keeps unknown top-level fields under extra, "__proto__" as plain data', () => {
    const raw = JSON.parse('[{"type":"click","plan":"pro","__proto__":{"polluted":true}}]') as unknown;
    const event = validateBatch(raw, limits, NOW).valid[0]?.event;
    expect(Object.keys(event?.extra ?? {})).toEqual(['plan', '__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(event?.extra)).toBe(Object.prototype);
  });

  it.each([
    ['payload over 8 KiB', { payload: { note: 'x'.repeat(8200) } }, 'payload', 'payload_too_large'],
    [
      'payload with 65 keys',
      { payload: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, i])) },
      'payload',
      'payload_too_many_keys',
    ],
    [
      'payload nested too deep',
      { payload: { a: JSON.parse('['.repeat(100) + ']'.repeat(100)) as unknown } },
      'payload',
      'payload_too_deep',
    ],
    ['extra over 8 KiB', { note: 'x'.repeat(8200) }, 'extra', 'extra_too_large'],
  ])('rejects %s', (_name, over, path, reason) => {
    expect(one(over).rejected[0]).toMatchObject({ index: 0, reason, errors: [{ path }] });
  });

  describe('created_at window', () => {
    it.each([
      ['59 min ahead', '2025-06-01T12:59:00Z', undefined, true],
      ['61 min ahead', '2025-06-01T13:01:00Z', undefined, false],
      ['6 days old', '2025-05-26T12:00:00Z', undefined, true],
      ['8 days old', '2025-05-24T12:00:00Z', undefined, false],
      [
        '3 h ahead, but the device clock is 3 h ahead too (sent_at)',
        '2025-06-01T15:00:00Z',
        '2025-06-01T15:00:10Z',
        true,
      ],
      ['2 years behind with a clock 2 years behind', '2023-06-01T11:59:00Z', '2023-06-01T12:00:00Z', true],
      ['on time but sent_at says the device is 3 h ahead', '2025-06-01T12:00:00Z', '2025-06-01T09:00:00Z', false],
    ])('%s', (_name, createdAt, sentAt, ok) => {
      const body = sentAt
        ? { batch: [{ ...base, created_at: createdAt }], sent_at: sentAt }
        : [{ ...base, created_at: createdAt }];
      const verdict = validateBatch(body, limits, NOW);
      expect(verdict.valid.length).toBe(ok ? 1 : 0);
      // The raw client time goes to Kafka; the consumer applies the same correction.
      if (ok) expect(verdict.valid[0]?.event.created_at).toBe(new Date(createdAt).toISOString());
    });

    it('says why', () => {
      expect(one({ created_at: '2025-06-01T15:00:00Z' }).rejected[0]).toEqual({
        index: 0,
        reason: 'created_at_future',
        errors: [{ path: 'created_at', message: 'created_at is 180 min in the future; at most 60 min is allowed' }],
      });
      expect(one({ created_at: '2025-01-01T00:00:00Z' }).rejected[0]?.errors[0]?.message).toBe(
        'created_at is older than the backfill window of 168 h',
      );
    });
  });

  describe('envelope', () => {
    it.each([
      ['an object without batch', { events: [] }, 400, 'invalid_batch'],
      ['batch not an array', { batch: {} }, 400, 'invalid_batch'],
      ['a string', 'hello', 400, 'invalid_batch'],
      ['null', null, 400, 'invalid_batch'],
      ['a bad sent_at', { batch: [], sent_at: 'yesterday' }, 400, 'invalid_batch'],
      ['too many events', new Array(DEFAULT_API_LIMITS.maxEventsPerBatch + 1).fill(base), 413, 'batch_too_large'],
    ])('refuses %s', (_name, body, status, code) => {
      expect(() => validateBatch(body, limits, NOW)).toThrow(expect.objectContaining({ status, code }));
    });

    it('returns sent_at normalized and keeps original indexes', () => {
      const verdict = validateBatch({ batch: [1, base, 'x', base], sent_at: '2025-06-01T14:00:00+02:00' }, limits, NOW);
      expect(verdict.sentAt).toBe('2025-06-01T12:00:00.000Z');
      expect(verdict.valid.map((v) => v.index)).toEqual([1, 3]);
      expect(verdict.rejected.map((r) => [r.index, r.reason])).toEqual([
        [0, 'not_an_object'],
        [2, 'not_an_object'],
      ]);
    });
  });

  it('keeps __proto__, constructor and prototype payload keys as data, and pollutes nothing', () => {
    const [event] = validateBatch(
      JSON.parse('[{"type":"click","payload":{"__proto__":{"polluted":1},"constructor":"c","prototype":"p","x":1}}]'),
      limits,
      NOW,
    ).valid;
    const payload = event!.event.payload;
    expect(Object.keys(payload)).toEqual(['__proto__', 'constructor', 'prototype', 'x']);
    expect(Object.getPrototypeOf(payload)).toBe(Object.prototype);
    expect(JSON.parse(JSON.stringify(payload))).toEqual(
      JSON.parse('{"__proto__":{"polluted":1},"constructor":"c","prototype":"p","x":1}'),
    );
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});
