import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { visitorId, type VisitorIdInput } from './visitor-id.js';

const BASE: VisitorIdInput = {
  salt: 'salt-2024-03-07',
  siteId: 'site_1',
  ip: '203.0.113.7',
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0',
};

describe('visitorId', () => {
  it('is 32 lowercase hex chars: the first 16 bytes of sha256(salt NUL site NUL ip NUL ua)', () => {
    const expected = createHash('sha256')
      .update(`${BASE.salt}\0${BASE.siteId}\0${BASE.ip}\0${BASE.userAgent}`)
      .digest('hex')
      .slice(0, 32);
    expect(visitorId(BASE)).toBe(expected);
    expect(visitorId(BASE)).toMatch(/^[0-9a-f]{32}$/);
  });

  it('is stable', () => {
    expect(visitorId({ ...BASE })).toBe(visitorId(BASE));
  });

  it.each<[string, Partial<VisitorIdInput>]>([
    ['another day (salt)', { salt: 'salt-2024-03-08' }],
    ['another site', { siteId: 'site_2' }],
    ['another IP', { ip: '203.0.113.8' }],
    ['another browser', { userAgent: 'curl/8.4.0' }],
    // field boundaries are not ambiguous: moving a character across the separator changes the id
    ['shifted boundary', { siteId: 'site_12', ip: '03.0.113.7' }],
  ])('changes with %s', (_name, change) => {
    expect(visitorId({ ...BASE, ...change })).not.toBe(visitorId(BASE));
  });

  it.each([
    ['IPv4-mapped IPv6', '::ffff:203.0.113.7', '203.0.113.7'],
    ['IPv4-mapped, upper case', '::FFFF:203.0.113.7', '203.0.113.7'],
    ['IPv6 case', '2001:DB8::1', '2001:db8::1'],
    ['surrounding spaces', ' 203.0.113.7 ', '203.0.113.7'],
  ])('treats %s as the same visitor', (_name, ip, sameAs) => {
    expect(visitorId({ ...BASE, ip })).toBe(visitorId({ ...BASE, ip: sameAs }));
  });

  it('does not unwrap a non-dotted ::ffff: address', () => {
    expect(visitorId({ ...BASE, ip: '::ffff:abcd' })).not.toBe(visitorId({ ...BASE, ip: 'abcd' }));
  });

  it('refuses an empty salt', () => {
    expect(() => visitorId({ ...BASE, salt: '' })).toThrow(RangeError);
  });
});
