import { describe, expect, it } from 'vitest';
import { createUserAgentParser, type UserAgentInfo } from './user-agent.js';

describe('createUserAgentParser: parse', () => {
  const ua = createUserAgentParser({ cacheSize: 100 });

  it.each<[string, string, UserAgentInfo]>([
    [
      'Chrome on Windows',
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
      { browser: 'Chrome', browser_version: '120', os: 'Windows', device_type: 'desktop' },
    ],
    [
      'Edge on Windows',
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91',
      { browser: 'Edge', browser_version: '120', os: 'Windows', device_type: 'desktop' },
    ],
    [
      'Safari on macOS',
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15',
      { browser: 'Safari', browser_version: '17', os: 'Mac OS', device_type: 'desktop' },
    ],
    [
      'Firefox on Linux',
      'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0',
      { browser: 'Firefox', browser_version: '121', os: 'Linux', device_type: 'desktop' },
    ],
    [
      'Firefox on Ubuntu',
      'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0',
      { browser: 'Firefox', browser_version: '120', os: 'Ubuntu', device_type: 'desktop' },
    ],
    [
      'Chrome on ChromeOS',
      'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
      { browser: 'Chrome', browser_version: '120', os: 'Chromium OS', device_type: 'desktop' },
    ],
    [
      'Safari on iPhone',
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1',
      { browser: 'Mobile Safari', browser_version: '17', os: 'iOS', device_type: 'mobile' },
    ],
    [
      'Safari on iPad',
      'Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1',
      { browser: 'Mobile Safari', browser_version: '16', os: 'iOS', device_type: 'tablet' },
    ],
    [
      'Chrome on Android phone',
      'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36',
      { browser: 'Chrome', browser_version: '120', os: 'Android', device_type: 'mobile' },
    ],
    [
      'Chrome on Android tablet',
      'Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
      { browser: 'Chrome', browser_version: '120', os: 'Android', device_type: 'tablet' },
    ],
    [
      'Samsung smart TV',
      'Mozilla/5.0 (SMART-TV; Linux; Tizen 6.0) AppleWebKit/538.1 (KHTML, like Gecko) Version/6.0 TV Safari/538.1',
      { browser: 'Safari', browser_version: '6', os: 'Tizen', device_type: 'smarttv' },
    ],
    [
      'PlayStation 5',
      'Mozilla/5.0 (PlayStation 5 3.11) AppleWebKit/605.1.15 (KHTML, like Gecko)',
      { browser: 'WebKit', browser_version: '605', os: 'PlayStation', device_type: 'console' },
    ],
    [
      'Oculus Quest',
      'Mozilla/5.0 (Linux; Android 12; Quest 2) AppleWebKit/537.36 (KHTML, like Gecko) OculusBrowser/23.0.0.6.60 SamsungBrowser/4.0 Chrome/108.0.5359.128 VR Safari/537.36',
      { browser: 'Oculus Browser', browser_version: '23', os: 'Android', device_type: 'wearable' },
    ],
    [
      'Googlebot (bot wins, nothing else known)',
      'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
      { browser: '', browser_version: '', os: '', device_type: 'bot' },
    ],
    [
      'headless Chrome (bot wins over desktop)',
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36',
      { browser: 'Chrome Headless', browser_version: '120', os: 'Mac OS', device_type: 'bot' },
    ],
    ['curl', 'curl/8.4.0', { browser: '', browser_version: '', os: '', device_type: 'bot' }],
    [
      'unrecognised, not a bot',
      'SomeApp/3.2 (custom build)',
      { browser: '', browser_version: '', os: '', device_type: 'unknown' },
    ],
    ['empty', '', { browser: '', browser_version: '', os: '', device_type: 'unknown' }],
    ['blank', '   ', { browser: '', browser_version: '', os: '', device_type: 'unknown' }],
  ])('%s', (_name, input, expected) => {
    expect(ua.parse(input)).toEqual(expected);
  });

  it('returns frozen results', () => {
    expect(Object.isFrozen(ua.parse('curl/8.4.0'))).toBe(true);
    expect(Object.isFrozen(ua.parse(''))).toBe(true);
  });
});

describe('createUserAgentParser: cache', () => {
  const CHROME =
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';
  const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0';
  const SAFARI =
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15';

  it.each([
    // [cacheSize, user agents in order, expected stats]
    [10, [CHROME, CHROME, CHROME], { hits: 2, misses: 1, size: 1 }],
    [10, [CHROME, FIREFOX, CHROME, FIREFOX], { hits: 2, misses: 2, size: 2 }],
    // LRU: SAFARI evicts CHROME (least recently used), so CHROME misses again
    [2, [CHROME, FIREFOX, SAFARI, CHROME], { hits: 0, misses: 4, size: 2 }],
    [2, [CHROME, FIREFOX, CHROME, SAFARI, CHROME], { hits: 2, misses: 3, size: 2 }],
    [0, [CHROME, CHROME], { hits: 0, misses: 2, size: 0 }],
    // empty user agents short-circuit: neither hit nor miss
    [10, ['', '', CHROME], { hits: 0, misses: 1, size: 1 }],
  ])('cacheSize %i over %# → %j', (cacheSize, uas, expected) => {
    const ua = createUserAgentParser({ cacheSize });
    for (const s of uas) ua.parse(s);
    expect(ua.stats()).toEqual(expected);
  });

  it('returns the same frozen object on a hit, and the same answer as uncached', () => {
    const cached = createUserAgentParser({ cacheSize: 10 });
    const uncached = createUserAgentParser({ cacheSize: 0 });
    expect(cached.parse(CHROME)).toBe(cached.parse(CHROME));
    expect(uncached.parse(CHROME)).toEqual(cached.parse(CHROME));
  });

  it('parses but does not cache overlong user agents', () => {
    const ua = createUserAgentParser({ cacheSize: 10 });
    const long = `${CHROME} ${'x'.repeat(1000)}`;
    expect(ua.parse(long).browser).toBe('Chrome');
    ua.parse(long);
    expect(ua.stats()).toEqual({ hits: 0, misses: 2, size: 0 });
  });

  it.each([-1, 1.5, Number.NaN])('rejects cacheSize %s', (cacheSize) => {
    expect(() => createUserAgentParser({ cacheSize })).toThrow(RangeError);
  });
});
