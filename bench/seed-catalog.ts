/**
 * The live generator's vocabulary (traffic-catalog.ts) as the consumer stores it, for the
 * seed that writes rows straight into ClickHouse: each source's landing referrer and UTM
 * tags through the consumer's own referrer classification, each user agent through its
 * own parser, so seeded rows carry the same channels, browsers and devices as loaded ones.
 * Choices are weighted in SQL by a uniform number against cumulative shares in [0, 1].
 */
import { createPageCache } from '../consumer/enrich/page-cache.js';
import { createUserAgentParser } from '../consumer/enrich/user-agent.js';
import { BOT_USER_AGENTS, BROWSER_USER_AGENTS, ELEMENTS, SOURCES, sitePaths } from './traffic-catalog.js';

export const SEED_HOST = 'shop.bench.example';
/** Distinct pages of the seeded site; ranked by popularity (sitePaths' order). */
export const SEED_PAGES = 200;

export interface SeedCatalog {
  paths: string[];
  elements: string[];
  /** Landing sources: the columns of a session's first page, and their cumulative shares. */
  sources: {
    referrerDomain: string[];
    channel: string[];
    utmSource: string[];
    utmMedium: string[];
    utmCampaign: string[];
    cumulative: number[];
  };
  /** The columns of a session's later pages (referred by the site itself). */
  internal: { referrerDomain: string; channel: string };
  /** Browsers (cumulative shares) then bots: browser, os, device_type. */
  agents: { browser: string[]; os: string[]; deviceType: string[]; cumulative: number[] };
  bots: { browser: string[]; os: string[]; deviceType: string[] };
}

/** Running sums of `weights` divided by their total: the last one is 1. */
export function cumulativeShares(weights: readonly number[]): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  let sum = 0;
  return weights.map((w) => {
    sum += w;
    return sum / total;
  });
}

/** The seed's vocabulary, enriched by the consumer's code. */
export function seedCatalog(): SeedCatalog {
  const pages = createPageCache();
  const agents = createUserAgentParser({ cacheSize: 0 });
  const landings = SOURCES.map(([source]) => {
    const query = new URLSearchParams(source.utm);
    if (source.clickId) query.set(source.clickId[0], source.clickId[1]);
    const q = query.toString();
    const facts = pages.get(`https://${SEED_HOST}/${q ? `?${q}` : ''}`, source.referrer ?? '');
    return { facts, utm: facts.page.utm };
  });
  const internal = pages.get(`https://${SEED_HOST}/products`, `https://${SEED_HOST}/`);
  const browsers = BROWSER_USER_AGENTS.map(([ua]) => agents.parse(ua));
  const bots = BOT_USER_AGENTS.map((ua) => agents.parse(ua));
  return {
    paths: sitePaths(SEED_PAGES),
    elements: [...ELEMENTS],
    sources: {
      referrerDomain: landings.map((l) => l.facts.referrer_domain),
      channel: landings.map((l) => l.facts.channel),
      utmSource: landings.map((l) => l.utm.source),
      utmMedium: landings.map((l) => l.utm.medium),
      utmCampaign: landings.map((l) => l.utm.campaign),
      cumulative: cumulativeShares(SOURCES.map(([, w]) => w)),
    },
    internal: { referrerDomain: internal.referrer_domain, channel: internal.channel },
    agents: {
      browser: browsers.map((a) => a.browser),
      os: browsers.map((a) => a.os),
      deviceType: browsers.map((a) => a.device_type),
      cumulative: cumulativeShares(BROWSER_USER_AGENTS.map(([, w]) => w)),
    },
    bots: {
      browser: bots.map((a) => a.browser),
      os: bots.map((a) => a.os),
      deviceType: bots.map((a) => a.device_type),
    },
  };
}
