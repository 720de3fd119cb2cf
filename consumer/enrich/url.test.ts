import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EMPTY_CLICK_IDS, EMPTY_UTM, parseEventUrl, urlHost } from './url.js';

describe('parseEventUrl: url, host, path, query', () => {
  it.each([
    // [input, base, url, host, path, query]
    [
      'https://shop.example.com/catalog?foo=bar',
      undefined,
      'https://shop.example.com/catalog?foo=bar',
      'shop.example.com',
      '/catalog',
      'foo=bar',
    ],
    [
      'https://Shop.EXAMPLE.com/A?b=1#top',
      undefined,
      'https://shop.example.com/A?b=1',
      'shop.example.com',
      '/A',
      'b=1',
    ],
    [
      'https://example.com:8080/a%20b?q=1#frag',
      undefined,
      'https://example.com:8080/a%20b?q=1',
      'example.com',
      '/a%20b',
      'q=1',
    ],
    ['https://example.com', undefined, 'https://example.com/', 'example.com', '/', ''],
    ['https://example.com/?', undefined, 'https://example.com/?', 'example.com', '/', ''],
    ['  https://example.com/x  ', undefined, 'https://example.com/x', 'example.com', '/x', ''],
    ['https://bücher.example/', undefined, 'https://xn--bcher-kva.example/', 'xn--bcher-kva.example', '/', ''],
    ['http://[::1]:3000/x', undefined, 'http://[::1]:3000/x', '[::1]', '/x', ''],
    ['MyApp://Screen/Home?x=1', undefined, 'myapp://Screen/Home?x=1', 'screen', '/Home', 'x=1'],
    // relative, no base
    ['/catalog?foo=bar', undefined, '/catalog?foo=bar', '', '/catalog', 'foo=bar'],
    ['/catalog#reviews', undefined, '/catalog', '', '/catalog', ''],
    ['/a/../b/./c', undefined, '/b/c', '', '/b/c', ''],
    ['?q=1', undefined, '/?q=1', '', '/', 'q=1'],
    ['//cdn.example.com/x?a=1', undefined, 'http://cdn.example.com/x?a=1', 'cdn.example.com', '/x', 'a=1'],
    // relative, with base
    [
      '/catalog?foo=bar',
      'https://Shop.example.com/home',
      'https://shop.example.com/catalog?foo=bar',
      'shop.example.com',
      '/catalog',
      'foo=bar',
    ],
    [
      'cart',
      'https://shop.example.com/catalog/',
      'https://shop.example.com/catalog/cart',
      'shop.example.com',
      '/catalog/cart',
      '',
    ],
    ['/x', 'not a base', '/x', '', '/x', ''],
    // absolute input ignores the base
    ['https://other.example/x', 'https://shop.example.com/', 'https://other.example/x', 'other.example', '/x', ''],
    // garbage
    ['', undefined, '', '', '', ''],
    ['   ', undefined, '', '', '', ''],
    ['http://', undefined, '', '', '', ''],
    ['http://exa mple.com/', undefined, '', '', '', ''],
    ['https://', 'https://shop.example.com/', '', '', '', ''],
  ])('%j (base %j)', (input, base, url, host, path, query) => {
    const r = parseEventUrl(input, base);
    expect({ url: r.url, host: r.host, path: r.path, query: r.query }).toEqual({ url, host, path, query });
  });

  it('never throws on non-string input that slipped past validation', () => {
    expect(parseEventUrl(undefined as unknown as string).url).toBe('');
    expect(parseEventUrl(42 as unknown as string).host).toBe('');
  });

  it('never throws, whatever the string', () => {
    fc.assert(
      fc.property(fc.string(), fc.option(fc.string(), { nil: undefined }), (s, base) => {
        const r = parseEventUrl(s, base);
        expect(typeof r.url).toBe('string');
        expect(r.host).toBe(r.host.toLowerCase());
        expect(r.url.includes('#')).toBe(false);
      }),
    );
  });
});

describe('parseEventUrl: utm and click ids', () => {
  it.each([
    // [query, utm, clickIds]
    ['', {}, {}],
    ['foo=bar&page=2', {}, {}],
    [
      'utm_source=google&utm_medium=cpc&utm_campaign=spring_sale&utm_term=red+shoes&utm_content=ad%201',
      { source: 'google', medium: 'cpc', campaign: 'spring_sale', term: 'red shoes', content: 'ad 1' },
      {},
    ],
    ['utm_campaign=%E2%9C%93%20done', { campaign: '✓ done' }, {}],
    ['utm_campaign=50%25+off', { campaign: '50% off' }, {}],
    // malformed escape: the raw value beats losing it
    ['utm_campaign=bad%E0%A4%A', { campaign: 'bad%E0%A4%A' }, {}],
    ['utm_source=%20newsletter%20', { source: 'newsletter' }, {}],
    // first occurrence wins, empty values are skipped in favor of a later real one
    ['utm_source=a&utm_source=b', { source: 'a' }, {}],
    ['utm_source=&utm_source=b', { source: 'b' }, {}],
    ['utm_source', {}, {}],
    ['&&utm_medium=email&', { medium: 'email' }, {}],
    // look-alike keys are not ours; keys are case-sensitive
    ['utm_sourcex=a&xutm_source=b&UTM_SOURCE=c&utm_=d', {}, {}],
    ['gclid=Cj0KCQ&fbclid=IwAR1&msclkid=abc', {}, { gclid: 'Cj0KCQ', fbclid: 'IwAR1', msclkid: 'abc' }],
    ['fbclid=IwAR1&utm_source=facebook', { source: 'facebook' }, { fbclid: 'IwAR1' }],
    ['dclid=x&gclidx=y', {}, {}],
  ])('?%s', (query, utm, clickIds) => {
    const r = parseEventUrl(`https://example.com/p?${query}#utm_source=fragment`);
    expect(r.utm).toEqual({ ...EMPTY_UTM, ...utm });
    expect(r.clickIds).toEqual({ ...EMPTY_CLICK_IDS, ...clickIds });
  });

  it('shares the frozen empty objects when there is nothing to report', () => {
    const r = parseEventUrl('https://example.com/p?utm_source=');
    expect(r.utm).toBe(EMPTY_UTM);
    expect(r.clickIds).toBe(EMPTY_CLICK_IDS);
    expect(Object.isFrozen(r.utm)).toBe(true);
  });

  it('reads utm from a relative URL too', () => {
    expect(parseEventUrl('/landing?utm_medium=social').utm.medium).toBe('social');
  });
});

describe('urlHost', () => {
  it.each([
    ['https://WWW.Google.co.uk/search?q=x', 'www.google.co.uk'],
    ['android-app://com.google.android.gm/', 'com.google.android.gm'],
    [' https://t.co/abc ', 't.co'],
    ['/relative/path', ''],
    ['www.example.com/no-scheme', ''],
    ['http://exa mple.com', ''],
    ['', ''],
  ])('%j → %j', (input, host) => {
    expect(urlHost(input)).toBe(host);
  });
});
