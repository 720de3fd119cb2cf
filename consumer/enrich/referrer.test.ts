import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CHANNELS, classifyReferrer, isWebmailHost, type Channel } from './referrer.js';
import { EMPTY_CLICK_IDS, EMPTY_UTM, type ClickIds, type Utm } from './url.js';

const PAGE = 'www.shop.example.com';

function classify(referrer: string, utm: Partial<Utm> = {}, clickIds: Partial<ClickIds> = {}, pageHost = PAGE) {
  return classifyReferrer({
    referrer,
    pageHost,
    utm: { ...EMPTY_UTM, ...utm },
    clickIds: { ...EMPTY_CLICK_IDS, ...clickIds },
  });
}

describe('classifyReferrer: channel', () => {
  it.each<[string, string, Partial<Utm>, Partial<ClickIds>, Channel, string?]>([
    // [case, referrer, utm, clickIds, expected channel, page host (default www.shop.example.com)]
    // 1. paid: click ids and paid mediums, even over a search referrer or an internal one
    ['gclid', 'https://www.google.com/', {}, { gclid: 'Cj0' }, 'paid'],
    ['fbclid', 'https://l.facebook.com/', {}, { fbclid: 'IwAR' }, 'paid'],
    ['msclkid, no referrer', '', {}, { msclkid: 'abc' }, 'paid'],
    ['medium cpc', 'https://www.bing.com/', { source: 'bing', medium: 'cpc' }, {}, 'paid'],
    ['medium PPC (case)', '', { medium: ' PPC ' }, {}, 'paid'],
    ['medium paid_social', 'https://facebook.com/', { medium: 'paid_social' }, {}, 'paid'],
    ['medium paidsearch', '', { medium: 'paidsearch' }, {}, 'paid'],
    ['medium display', '', { medium: 'display' }, {}, 'paid'],
    ['medium cpm', '', { medium: 'cpm' }, {}, 'paid'],
    ['click id beats internal', 'https://www.shop.example.com/cart', {}, { gclid: 'x' }, 'paid'],
    // 2. email
    ['medium email', '', { source: 'newsletter', medium: 'email' }, {}, 'email'],
    ['medium E-Mail', 'https://example.org/', { medium: 'E-Mail' }, {}, 'email'],
    ['gmail web', 'https://mail.google.com/', {}, {}, 'email'],
    ['outlook web', 'https://outlook.live.com/mail/0/', {}, {}, 'email'],
    ['yahoo mail', 'https://mail.yahoo.com/d/folders/1', {}, {}, 'email'],
    ['self-hosted webmail', 'https://webmail.example.org/', {}, {}, 'email'],
    ['gmail app', 'android-app://com.google.android.gm/', {}, {}, 'email'],
    // 3. internal
    ['same host', 'https://www.shop.example.com/catalog', {}, {}, 'internal'],
    ['sibling subdomain', 'https://blog.shop.example.com/post', {}, {}, 'internal'],
    ['apex vs www', 'https://example.com/', {}, {}, 'internal'],
    ['internal beats utm social', 'https://www.shop.example.com/', { medium: 'social' }, {}, 'internal'],
    ['webmail site own pages', 'https://mail.proton.me/inbox', {}, {}, 'internal', 'mail.proton.me'],
    // 4. utm_medium names the channel
    ['medium organic', '', { source: 'google', medium: 'organic' }, {}, 'search'],
    ['medium social', '', { source: 'partner', medium: 'social' }, {}, 'social'],
    ['medium sm, unknown referrer', 'https://blog.example.org/', { medium: 'sm' }, {}, 'social'],
    ['medium referral over a search referrer', 'https://www.google.com/', { medium: 'referral' }, {}, 'referral'],
    // 5. utm_source names a known source
    ['source facebook', '', { source: 'facebook' }, {}, 'social'],
    ['source fb', '', { source: 'FB' }, {}, 'social'],
    ['source t.co', '', { source: 't.co' }, {}, 'social'],
    ['source google, no medium', '', { source: 'google' }, {}, 'search'],
    // 6. referrer lists
    ['google.com', 'https://www.google.com/', {}, {}, 'search'],
    ['google.co.uk', 'https://www.google.co.uk/search?q=shoes', {}, {}, 'search'],
    ['google.com.br', 'https://www.google.com.br/', {}, {}, 'search'],
    ['bing', 'https://www.bing.com/search?q=x', {}, {}, 'search'],
    ['duckduckgo', 'https://duckduckgo.com/', {}, {}, 'search'],
    ['yahoo search', 'https://search.yahoo.co.jp/search?p=x', {}, {}, 'search'],
    ['yandex.ru', 'https://yandex.ru/search/?text=x', {}, {}, 'search'],
    ['baidu', 'https://www.baidu.com/link?url=x', {}, {}, 'search'],
    ['ecosia', 'https://www.ecosia.org/search?q=x', {}, {}, 'search'],
    ['google app', 'android-app://com.google.android.googlequicksearchbox/', {}, {}, 'search'],
    ['facebook mobile', 'https://m.facebook.com/', {}, {}, 'social'],
    ['facebook link shim', 'https://l.facebook.com/l.php?u=x', {}, {}, 'social'],
    ['t.co', 'https://t.co/AbC123', {}, {}, 'social'],
    ['x.com', 'https://x.com/someone/status/1', {}, {}, 'social'],
    ['linkedin', 'https://www.linkedin.com/feed/', {}, {}, 'social'],
    ['lnkd.in', 'https://lnkd.in/abc', {}, {}, 'social'],
    ['instagram', 'https://l.instagram.com/', {}, {}, 'social'],
    ['reddit', 'https://out.reddit.com/t3_x', {}, {}, 'social'],
    ['youtube', 'https://www.youtube.com/', {}, {}, 'social'],
    ['tiktok', 'https://www.tiktok.com/', {}, {}, 'social'],
    ['pinterest ccTLD', 'https://www.pinterest.co.uk/', {}, {}, 'social'],
    ['vk', 'https://vk.com/away.php', {}, {}, 'social'],
    ['hacker news', 'https://news.ycombinator.com/item?id=1', {}, {}, 'social'],
    ['facebook app', 'android-app://com.facebook.katana/', {}, {}, 'social'],
    // 7. direct
    ['nothing', '', {}, {}, 'direct'],
    ['garbage referrer', 'not a url', {}, {}, 'direct'],
    ['whitespace referrer', '   ', {}, {}, 'direct'],
    // 8. referral
    ['unknown site', 'https://blog.example.org/post', {}, {}, 'referral'],
    ['lookalike name on another domain', 'https://x.org/', {}, {}, 'referral'],
    ['utm only, unknown medium', '', { source: 'partner', medium: 'affiliate' }, {}, 'referral'],
    ['utm campaign only', '', { campaign: 'spring' }, {}, 'referral'],
    ['unknown app', 'android-app://com.example.reader/', {}, {}, 'referral'],
    ['mail.ru portal is not webmail', 'https://mail.ru/', {}, {}, 'referral'],
    ['no page host: nothing is internal', 'https://www.shop.example.com/', {}, {}, 'referral', ''],
  ])('%s', (_name, referrer, utm, clickIds, channel, pageHost = PAGE) => {
    expect(classify(referrer, utm, clickIds, pageHost).channel).toBe(channel);
  });

  it('internal needs equal hosts for IPs and localhost', () => {
    expect(classify('http://localhost:3000/a', {}, {}, 'localhost').channel).toBe('internal');
    expect(classify('http://10.0.0.1/a', {}, {}, '10.0.0.1').channel).toBe('internal');
    expect(classify('http://10.0.0.2/a', {}, {}, '10.0.0.1').channel).toBe('referral');
  });

  it('keeps private-suffix sites apart (a.github.io is not b.github.io)', () => {
    expect(classify('https://a.github.io/', {}, {}, 'b.github.io').channel).toBe('referral');
  });

  it('always answers one of CHANNELS and never throws', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), fc.string(), (referrer, pageHost, medium, source) => {
        const r = classify(referrer, { medium, source }, {}, pageHost);
        expect(CHANNELS).toContain(r.channel);
      }),
    );
  });
});

describe('classifyReferrer: referrer_domain', () => {
  it.each([
    ['https://www.google.co.uk/search?q=x', 'google.co.uk'],
    ['https://WWW.Example.org:8443/x', 'example.org'],
    ['https://wwwexample.org/', 'wwwexample.org'],
    ['https://m.facebook.com/', 'm.facebook.com'],
    ['android-app://com.google.android.gm/', 'com.google.android.gm'],
    ['', ''],
    ['/relative', ''],
  ])('%j → %j', (referrer, domain) => {
    expect(classify(referrer).referrer_domain).toBe(domain);
  });
});

describe('isWebmailHost', () => {
  it.each([
    ['mail.google.com', true],
    ['outlook.office365.com', true],
    ['mail.proton.me', true],
    ['webmail.example.org', true],
    ['e.mail.ru', true],
    ['mail.ru', false],
    ['gmail.com', false],
    ['mailchimp.com', false],
    ['www.google.com', false],
  ])('%s → %s', (host, expected) => {
    expect(isWebmailHost(host)).toBe(expected);
  });
});
