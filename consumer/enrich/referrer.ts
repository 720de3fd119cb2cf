/**
 * Referrer + utm + click ids → `referrer_domain` and a marketing `channel`.
 *
 * The rules, first match wins (order matters: explicit tagging beats inference, and money
 * beats everything because paid traffic is what people reconcile against ad spend):
 *
 *  1. paid      a click id (gclid, fbclid, msclkid) is present, or utm_medium is cpc, ppc,
 *               cpm, cpv, cpa, display, retargeting or starts with `paid`.
 *  2. email     utm_medium is email (e-mail, newsletter…), or the referrer is a webmail host
 *               (mail.google.com, outlook.live.com, mail.*, webmail.*) or a mail app.
 *  3. internal  the referrer's registrable domain equals the page's (www.shop.com →
 *               blog.shop.com); for IPs and `localhost`, the hosts must be equal.
 *  4. utm_medium names a channel: organic → search, social (social-network, sm…) → social,
 *               referral → referral.
 *  5. utm_source names a known search engine or network (google, facebook, fb, x…).
 *  6. the referrer is a known search engine or network, matched on registrable domain via
 *               tldts (google.co.uk, m.facebook.com, t.co, lnkd.in) or an Android app.
 *  7. direct    no usable referrer and no utm value at all.
 *  8. referral  anything else (a referrer we do not know, or utm tags we cannot place).
 *
 * Mediums and sources are compared lowercased and trimmed. An unparseable referrer counts as
 * no referrer: it tells us nothing about where the visit came from.
 * The lists themselves are in `referrer-sources.ts`.
 */
import { parse } from 'tldts';
import {
  APP_SOURCES,
  EMAIL_MEDIUMS,
  MEDIUM_CHANNELS,
  PAID_MEDIUMS,
  SOURCE_ALIASES,
  SOURCE_BY_DOMAIN,
  SOURCE_BY_NAME,
  WEBMAIL_HOSTS,
  type KnownSource,
} from './referrer-sources.js';
import { urlHost, type ClickIds, type Utm } from './url.js';

/** Every value `channel` can take; the order is the one dashboards list them in. */
export const CHANNELS = ['direct', 'internal', 'search', 'social', 'email', 'paid', 'referral'] as const;
export type Channel = (typeof CHANNELS)[number];

export interface ReferrerInput {
  /** The event's `referrer` field (a full URL as `document.referrer` gives it), or `''`. */
  referrer: string;
  /** The page's host as `parseEventUrl` reports it (lowercased), or `''` when unknown. */
  pageHost: string;
  utm: Utm;
  clickIds: ClickIds;
}

export interface ReferrerClassification {
  /** The referrer's host without a leading `www.` (`google.co.uk`); `''` when none. */
  referrer_domain: string;
  channel: Channel;
}

/**
 * tldts options, built once. `extractHostname: false` because we pass a hostname already;
 * `allowPrivateDomains` so that `a.github.io` and `b.github.io` are different sites, not
 * one "internal" domain.
 */
const TLDTS_OPTIONS = { extractHostname: false, allowPrivateDomains: true } as const;

/**
 * Classify where a visit came from. Pure and cheap: one URL parse of the referrer and at
 * most two tldts lookups. Never throws.
 */
export function classifyReferrer({ referrer, pageHost, utm, clickIds }: ReferrerInput): ReferrerClassification {
  const refHost = urlHost(referrer);
  const isApp = refHost !== '' && referrer.trimStart().startsWith('android-app:');
  const referrer_domain = refHost.startsWith('www.') ? refHost.slice(4) : refHost;
  const medium = normalize(utm.medium);

  // 1. paid
  if (clickIds.gclid !== '' || clickIds.fbclid !== '' || clickIds.msclkid !== '') {
    return { referrer_domain, channel: 'paid' };
  }
  if (medium !== '' && (PAID_MEDIUMS.has(medium) || medium.startsWith('paid'))) {
    return { referrer_domain, channel: 'paid' };
  }

  // 2. email
  if (EMAIL_MEDIUMS.has(medium)) return { referrer_domain, channel: 'email' };
  const appSource = isApp ? APP_SOURCES.get(refHost) : undefined;
  // (A webmail site's own pages linking to each other are internal, hence the host check.)
  if (appSource === 'email' || (!isApp && refHost !== '' && refHost !== pageHost && isWebmailHost(refHost))) {
    return { referrer_domain, channel: 'email' };
  }

  // 3. internal
  const refSite = refHost === '' || isApp ? undefined : parse(refHost, TLDTS_OPTIONS);
  if (refSite !== undefined && pageHost !== '') {
    if (refHost === pageHost) return { referrer_domain, channel: 'internal' };
    const refDomain = refSite.domain;
    if (refDomain !== null && refDomain === parse(pageHost, TLDTS_OPTIONS).domain) {
      return { referrer_domain, channel: 'internal' };
    }
  }

  // 4. utm_medium names the channel
  const mediumChannel = medium === '' ? undefined : MEDIUM_CHANNELS.get(medium);
  if (mediumChannel !== undefined) return { referrer_domain, channel: mediumChannel };

  // 5. utm_source names a known source
  const source = normalize(utm.source);
  const sourceChannel = source === '' ? undefined : knownSourceName(source);
  if (sourceChannel !== undefined) return { referrer_domain, channel: sourceChannel };

  // 6. the referrer is a known source
  if (appSource !== undefined) return { referrer_domain, channel: appSource };
  if (refSite !== undefined) {
    const byDomain = refSite.domain === null ? undefined : SOURCE_BY_DOMAIN.get(refSite.domain);
    const known =
      byDomain ?? (refSite.domainWithoutSuffix === null ? undefined : SOURCE_BY_NAME.get(refSite.domainWithoutSuffix));
    if (known !== undefined) return { referrer_domain, channel: known };
  }

  // 7. direct / 8. referral
  if (refHost === '' && !hasAnyUtm(utm)) return { referrer_domain, channel: 'direct' };
  return { referrer_domain, channel: 'referral' };
}

/** True for webmail front-ends: the kept list, plus any `mail.*`, `webmail.*`, `email.*` host. */
export function isWebmailHost(host: string): boolean {
  return (
    WEBMAIL_HOSTS.has(host) ||
    // Require a dot after the label and at least one more dot, so `mail.ru` (a portal whose
    // registrable domain *is* mail.ru) does not count but `mail.yandex.ru` does.
    ((host.startsWith('mail.') || host.startsWith('webmail.') || host.startsWith('email.')) &&
      host.indexOf('.', host.indexOf('.') + 1) !== -1)
  );
}

/** A utm_source written as a name (`google`), an alias (`fb`) or a domain (`t.co`). */
function knownSourceName(source: string): KnownSource | undefined {
  return SOURCE_BY_NAME.get(source) ?? SOURCE_ALIASES.get(source) ?? SOURCE_BY_DOMAIN.get(source);
}

function hasAnyUtm(utm: Utm): boolean {
  return utm.source !== '' || utm.medium !== '' || utm.campaign !== '' || utm.term !== '' || utm.content !== '';
}

/** Lowercase + trim, skipping the work (and the allocation) for the usual `''`. */
function normalize(value: string): string {
  return value === '' ? '' : value.trim().toLowerCase();
}
