/**
 * The kept lists behind channel classification: which referrers are search engines, social
 * networks or webmail, and which utm values mean what. Data only; the rules that use it live
 * in `referrer.ts`.
 *
 * Matching is on the *registrable domain* (eTLD+1, via tldts), so `www.google.co.uk`,
 * `m.facebook.com` and `l.instagram.com` need no entries of their own. To add a source, add
 * its registrable domain; add a bare name to `*_NAMES` only when the brand runs the same
 * service on many country domains (google.de, yandex.kz…) and the name is not ambiguous.
 * Lists kept in line with GA4's default channel definitions where it was cheap to do so:
 * https://support.google.com/analytics/answer/9756891
 */

/** The channel of a source the lists know. */
export type KnownSource = 'search' | 'social';

/** Registrable domains of search engines and social networks. */
export const SOURCE_BY_DOMAIN: ReadonlyMap<string, KnownSource> = new Map<string, KnownSource>([
  // search
  ['bing.com', 'search'],
  ['duckduckgo.com', 'search'],
  ['ecosia.org', 'search'],
  ['baidu.com', 'search'],
  ['qwant.com', 'search'],
  ['startpage.com', 'search'],
  ['brave.com', 'search'], // search.brave.com; the rest of brave.com sends little traffic
  ['naver.com', 'search'],
  ['seznam.cz', 'search'],
  ['ask.com', 'search'],
  ['aol.com', 'search'],
  ['sogou.com', 'search'],
  ['so.com', 'search'],
  ['kagi.com', 'search'],
  ['perplexity.ai', 'search'],
  // social
  ['t.co', 'social'],
  ['twitter.com', 'social'],
  ['x.com', 'social'],
  ['fb.com', 'social'],
  ['fb.me', 'social'],
  ['messenger.com', 'social'],
  ['lnkd.in', 'social'],
  ['redd.it', 'social'],
  ['youtu.be', 'social'],
  ['pin.it', 'social'],
  ['vk.com', 'social'],
  ['vk.ru', 'social'],
  ['ok.ru', 'social'],
  ['threads.net', 'social'],
  ['threads.com', 'social'],
  ['tumblr.com', 'social'],
  ['quora.com', 'social'],
  ['discord.com', 'social'],
  ['t.me', 'social'],
  ['whatsapp.com', 'social'],
  ['snapchat.com', 'social'],
  ['bsky.app', 'social'],
  ['mastodon.social', 'social'],
  ['weibo.com', 'social'],
  ['xing.com', 'social'],
  ['ycombinator.com', 'social'],
]);

/**
 * Brand names (the registrable domain minus its public suffix) matched on any suffix:
 * `google` covers google.com, google.co.uk, google.com.br… Only unambiguous names belong here
 * (`x` or `t` would catch x.org and t.de).
 */
export const SOURCE_BY_NAME: ReadonlyMap<string, KnownSource> = new Map<string, KnownSource>([
  ['google', 'search'],
  ['bing', 'search'],
  ['yahoo', 'search'],
  ['yandex', 'search'],
  ['baidu', 'search'],
  ['duckduckgo', 'search'],
  ['ecosia', 'search'],
  ['facebook', 'social'],
  ['instagram', 'social'],
  ['linkedin', 'social'],
  ['reddit', 'social'],
  ['youtube', 'social'],
  ['tiktok', 'social'],
  ['pinterest', 'social'],
]);

/**
 * Android apps send `android-app://<package>/` as the referrer; the package is the "host".
 * Only the few that carry real traffic are listed; any other app counts as a referral.
 */
export const APP_SOURCES: ReadonlyMap<string, KnownSource | 'email'> = new Map<string, KnownSource | 'email'>([
  ['com.google.android.googlequicksearchbox', 'search'],
  ['com.google.android.gm', 'email'],
  ['com.microsoft.office.outlook', 'email'],
  ['com.yahoo.mobile.client.android.mail', 'email'],
  ['com.facebook.katana', 'social'],
  ['com.facebook.orca', 'social'],
  ['com.instagram.android', 'social'],
  ['com.twitter.android', 'social'],
  ['com.linkedin.android', 'social'],
  ['com.reddit.frontpage', 'social'],
  ['com.pinterest', 'social'],
  ['com.zhiliaoapp.musically', 'social'], // TikTok
  ['org.telegram.messenger', 'social'],
  ['com.whatsapp', 'social'],
]);

/**
 * Webmail hosts whose registrable domain is not itself "email" (mail.google.com is under
 * google.com, a search engine). Any host whose first label is `mail`, `webmail` or `email`
 * counts too (mail.yahoo.com, mail.proton.me, webmail.example.org); see `isWebmailHost`.
 */
export const WEBMAIL_HOSTS: ReadonlySet<string> = new Set([
  'outlook.live.com',
  'outlook.office.com',
  'outlook.office365.com',
  'e.mail.ru',
  'app.fastmail.com',
  'inbox.google.com',
]);

/** utm_medium values (lowercased) that mean a paid placement, besides any `paid*`. */
export const PAID_MEDIUMS: ReadonlySet<string> = new Set(['cpc', 'ppc', 'cpm', 'cpv', 'cpa', 'display', 'retargeting']);

/** utm_medium values (lowercased) that mean email. */
export const EMAIL_MEDIUMS: ReadonlySet<string> = new Set(['email', 'e-mail', 'e_mail', 'e mail', 'newsletter']);

/** utm_medium values (lowercased) that name a channel outright. */
export const MEDIUM_CHANNELS: ReadonlyMap<string, KnownSource | 'referral'> = new Map<string, KnownSource | 'referral'>(
  [
    ['organic', 'search'],
    ['social', 'social'],
    ['social-network', 'social'],
    ['social_network', 'social'],
    ['social-media', 'social'],
    ['social_media', 'social'],
    ['sm', 'social'],
    ['referral', 'referral'],
  ],
);

/**
 * utm_source values (lowercased) that name a known source on their own, for links tagged
 * `utm_source=facebook` with no medium. Names from SOURCE_BY_NAME and registrable domains
 * from SOURCE_BY_DOMAIN are accepted as well; these are the usual short forms.
 */
export const SOURCE_ALIASES: ReadonlyMap<string, KnownSource> = new Map<string, KnownSource>([
  ['fb', 'social'],
  ['ig', 'social'],
  ['twitter', 'social'],
  ['x', 'social'],
  ['tw', 'social'],
  ['vk', 'social'],
  ['threads', 'social'],
  ['bluesky', 'social'],
  ['mastodon', 'social'],
  ['telegram', 'social'],
  ['whatsapp', 'social'],
  ['snapchat', 'social'],
  ['hackernews', 'social'],
]);
