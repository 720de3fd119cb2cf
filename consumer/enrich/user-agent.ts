/**
 * User agent → `browser`, `browser_version`, `os`, `device_type` (+ bot detection), with an
 * LRU cache in front of the parser.
 *
 * Why a cache: ua-parser-js runs dozens of regexes per string (tens of µs), while real traffic
 * repeats a few thousand distinct user agents, so at 50k events/s nearly every lookup is a
 * hit. The cache is per parser instance (a `createX` factory, no module singleton) so its size
 * is configuration and its stats can be exported as metrics.
 *
 * Why ua-parser-js **1.x**: it is MIT; 2.x is AGPL. Pinned by package.json, do not upgrade.
 * 1.x ships no TypeScript types, hence the small typed `require` below instead of an ambient
 * `declare module` that would leak into the whole project.
 */
import { createRequire } from 'node:module';
import { LRUCache } from 'lru-cache';
import { isBotUserAgent } from './bot.js';

/** What `device_type` can hold. `bot` wins over the hardware type; `unknown` = no clue. */
export type DeviceType =
  | 'desktop'
  | 'mobile'
  | 'tablet'
  | 'smarttv'
  | 'console'
  | 'wearable'
  | 'embedded'
  | 'bot'
  | 'unknown';

export interface UserAgentInfo {
  /** Browser family as ua-parser names it (`Chrome`, `Mobile Safari`, `Edge`…); `''` if unknown. */
  readonly browser: string;
  /**
   * Major version only (`120`, not `120.0.6099.144`). Full versions change every few days
   * and would make this LowCardinality column (and every GROUP BY on it) explode into
   * thousands of values that no chart needs.
   */
  readonly browser_version: string;
  /** OS family (`Windows`, `Mac OS`, `iOS`, `Android`…), no version; `''` if unknown. */
  readonly os: string;
  readonly device_type: DeviceType;
}

export interface UserAgentParserOptions {
  /**
   * Most distinct user agents kept. 0 disables the cache (every call parses; for benchmarks).
   * A few thousand covers real traffic; each entry costs the UA string plus ~200 bytes.
   */
  cacheSize: number;
}

export interface UserAgentParser {
  /** Parse one user agent. Never throws; results are frozen and shared between calls. */
  parse(ua: string): UserAgentInfo;
  /** Cache counters since creation, for metrics. `size` is the current number of entries. */
  stats(): { hits: number; misses: number; size: number };
}

/** Minimal typing of the parts of ua-parser-js 1.x we use (its results may hold `undefined`). */
interface UAParserInstance {
  setUA(ua: string): UAParserInstance;
  getBrowser(): { name?: string; major?: string };
  getOS(): { name?: string };
  getDevice(): { type?: string };
}
const require = createRequire(import.meta.url);
const { UAParser } = require('ua-parser-js') as { UAParser: new () => UAParserInstance };

/**
 * Longer user agents are parsed but not cached: ua-parser reads only the first 500 chars,
 * real ones are ~100-300, and caching a stream of unique multi-KB junk strings would let a
 * single client evict every useful entry and pin megabytes of garbage.
 */
const MAX_CACHED_UA_LENGTH = 512;

/** ua-parser device types we pass through as they are. */
const HARDWARE_TYPES: ReadonlySet<string> = new Set(['mobile', 'tablet', 'smarttv', 'console', 'wearable', 'embedded']);

/**
 * ua-parser leaves the device type undefined for desktops; it is only a desktop if the OS
 * says so (otherwise we genuinely do not know: `unknown`). Names as ua-parser 1.x spells
 * them. iPadOS 13+ Safari claims to be `Mac OS` and so counts as desktop: the UA string
 * cannot tell them apart.
 */
const DESKTOP_OSES: ReadonlySet<string> = new Set([
  'Windows',
  'Mac OS',
  'macOS',
  'Linux',
  'Chromium OS',
  'Ubuntu',
  'Debian',
  'Fedora',
  'SUSE',
  'openSUSE',
  'Gentoo',
  'Arch',
  'Slackware',
  'Mandriva',
  'CentOS',
  'PCLinuxOS',
  'RedHat',
  'Red Hat',
  'Zenwalk',
  'Linpus',
  'Raspbian',
  'Deepin',
  'Manjaro',
  'elementary OS',
  'Sabayon',
  'Linspire',
  'Mint',
  'Mageia',
  'VectorLinux',
  'Kubuntu',
  'Xubuntu',
  'Lubuntu',
  'FreeBSD',
  'NetBSD',
  'OpenBSD',
  'PC-BSD',
  'GhostBSD',
  'DragonFly',
  'Solaris',
  'UNIX',
  'GNU',
  'Hurd',
  'Haiku',
  'BeOS',
  'OS/2',
  'AmigaOS',
  'MorphOS',
  'AIX',
  'HP-UX',
]);

const UNKNOWN: UserAgentInfo = Object.freeze({ browser: '', browser_version: '', os: '', device_type: 'unknown' });

/**
 * Build a user agent parser with its own LRU cache.
 *
 * @example
 *   const ua = createUserAgentParser({ cacheSize: 10_000 });
 *   ua.parse(event.user_agent).device_type; // 'mobile'
 */
export function createUserAgentParser({ cacheSize }: UserAgentParserOptions): UserAgentParser {
  if (!Number.isInteger(cacheSize) || cacheSize < 0) {
    throw new RangeError(`createUserAgentParser: cacheSize must be an integer >= 0, got ${String(cacheSize)}`);
  }
  // One ua-parser instance reused via setUA(): no parser object per call, and we ask only for
  // browser/os/device, skipping the engine and CPU regex passes that getResult() would run.
  const parser = new UAParser();
  // lru-cache refuses max 0, so "no cache" is simply no cache object.
  const cache = cacheSize > 0 ? new LRUCache<string, UserAgentInfo>({ max: cacheSize }) : undefined;
  let hits = 0;
  let misses = 0;

  function parseUncached(ua: string): UserAgentInfo {
    parser.setUA(ua);
    const browser = parser.getBrowser();
    const os = parser.getOS().name ?? '';
    return Object.freeze({
      browser: browser.name ?? '',
      // ua-parser derives `major` from the version's digits; '' when it found no version.
      browser_version: browser.major ?? '',
      os,
      device_type: isBotUserAgent(ua) ? 'bot' : deviceType(parser.getDevice().type, os),
    });
  }

  return {
    parse(ua: string): UserAgentInfo {
      if (typeof ua !== 'string' || ua === '' || ua.trim() === '') return UNKNOWN;
      if (cache === undefined || ua.length > MAX_CACHED_UA_LENGTH) {
        misses++;
        return parseUncached(ua);
      }
      const cached = cache.get(ua);
      if (cached !== undefined) {
        hits++;
        return cached;
      }
      misses++;
      const info = parseUncached(ua);
      cache.set(ua, info);
      return info;
    },
    stats() {
      return { hits, misses, size: cache?.size ?? 0 };
    },
  };
}

function deviceType(uaParserType: string | undefined, os: string): DeviceType {
  if (uaParserType === undefined) return DESKTOP_OSES.has(os) ? 'desktop' : 'unknown';
  return HARDWARE_TYPES.has(uaParserType) ? (uaParserType as DeviceType) : 'unknown';
}
