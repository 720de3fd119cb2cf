/**
 * Page URL → the columns `events` stores about it: `url`, `host`, `path`, `query`, the five
 * `utm_*` values and the ad click ids.
 *
 * Runs once per event in the consumer's hot loop, so:
 * - the WHATWG `URL` parser (Ada, native in Node 20) does the hard part (IDN → punycode,
 *   dot segments, percent-encoding) instead of hand-written regexes;
 * - the query string is scanned by hand, and only when it can contain a key we want,
 *   instead of building a `URLSearchParams` (one object per pair) for every event;
 * - results for "nothing there" share frozen empty objects.
 *
 * Every column in ClickHouse is a non-Nullable String, so a missing value is `''`, and
 * nothing here ever throws: garbage in gives empty parts out.
 */

/** The five Google Analytics campaign parameters, decoded; `''` when absent. */
export interface Utm {
  readonly source: string;
  readonly medium: string;
  readonly campaign: string;
  readonly term: string;
  readonly content: string;
}

/**
 * Ad-network click ids (Google Ads, Meta, Microsoft Ads); `''` when absent. Their presence is
 * what marks a visit as paid even when the advertiser forgot the utm tags.
 */
export interface ClickIds {
  readonly gclid: string;
  readonly fbclid: string;
  readonly msclkid: string;
}

/** What {@link parseEventUrl} returns. Every field is `''` when unknown. */
export interface ParsedEventUrl {
  /** The normalized URL without its `#fragment` (absolute when a host is known). */
  readonly url: string;
  /** Lowercased hostname, without port; `''` for a path with no base. */
  readonly host: string;
  /** The path, still percent-encoded as the browser sent it (`/a%20b`). */
  readonly path: string;
  /** The raw query string without the leading `?` (still encoded). */
  readonly query: string;
  readonly utm: Utm;
  readonly clickIds: ClickIds;
}

export const EMPTY_UTM: Utm = Object.freeze({ source: '', medium: '', campaign: '', term: '', content: '' });
export const EMPTY_CLICK_IDS: ClickIds = Object.freeze({ gclid: '', fbclid: '', msclkid: '' });
const EMPTY_PARSED: ParsedEventUrl = Object.freeze({
  url: '',
  host: '',
  path: '',
  query: '',
  utm: EMPTY_UTM,
  clickIds: EMPTY_CLICK_IDS,
});

/**
 * Base used to resolve a bare path when the caller has none. `.invalid` is reserved
 * (RFC 2606), so it can never be mistaken for a real site; its host is never reported.
 */
const PLACEHOLDER_HOST = 'relative.invalid';
const PLACEHOLDER_BASE = `http://${PLACEHOLDER_HOST}/`;

/** `scheme:` at the start (RFC 3986 §3.1): the input claims to be absolute. */
const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/**
 * Parse a page URL as sent by a browser or app.
 *
 * - Absolute (`https://Shop.example/a?b=1#top`): host lowercased, fragment dropped.
 * - Relative (`/catalog?foo=bar`, `?q=1`): resolved against `base` when given (its host is
 *   reported); otherwise `host` is `''` and `url` is `path?query`. Protocol-relative
 *   `//cdn.example/x` names its own host; with no base its scheme is taken to be `http:`.
 * - Anything that claims a scheme but does not parse (`http://exa mple.com`), or is empty:
 *   all parts `''`.
 *
 * Quirks, on purpose: the port is dropped from `host` (kept in `url`); utm parameters inside
 * the fragment (hash-routed SPAs: `#/page?utm_source=x`) are ignored, since the fragment is
 * stripped; the first occurrence of a repeated parameter wins, as in `URLSearchParams.get`.
 *
 * @param url  the event's `url` field: absolute, or a path.
 * @param base optional absolute URL to resolve relative input against (e.g. the site origin).
 */
export function parseEventUrl(url: string, base?: string): ParsedEventUrl {
  if (typeof url !== 'string') return EMPTY_PARSED;
  const input = url.trim();
  if (input === '') return EMPTY_PARSED;

  let parsed: URL | undefined;
  let relativeWithoutBase = false;
  if (HAS_SCHEME.test(input)) {
    parsed = tryParse(input);
  } else {
    parsed = base ? tryParse(input, base) : undefined;
    if (parsed === undefined) {
      // No (usable) base: resolve against the placeholder only to normalize the path. A
      // protocol-relative `//cdn.example/x` brings its own host, so it stays absolute.
      parsed = tryParse(input, PLACEHOLDER_BASE);
      relativeWithoutBase = parsed !== undefined && parsed.hostname === PLACEHOLDER_HOST;
    }
  }
  if (parsed === undefined) return EMPTY_PARSED;

  const search = parsed.search; // '' or '?…'
  const query = search.length > 1 ? search.slice(1) : '';
  const path = parsed.pathname;
  let href: string;
  if (relativeWithoutBase) {
    href = path + search;
  } else {
    parsed.hash = ''; // cheaper and safer than slicing at the first '#' ourselves
    href = parsed.href;
  }
  const { utm, clickIds } = scanQuery(query);
  return {
    url: href,
    // Special schemes (http, https…) are already lowercased by the parser; custom app
    // schemes (`myapp://Screen/Home`) are not.
    host: relativeWithoutBase ? '' : parsed.hostname.toLowerCase(),
    path,
    query,
    utm,
    clickIds,
  };
}

/**
 * The lowercased hostname of an absolute URL, or `''` when it has none or does not parse.
 * A lighter sibling of {@link parseEventUrl} for the referrer, which needs only its host.
 */
export function urlHost(url: string): string {
  if (typeof url !== 'string') return '';
  const input = url.trim();
  if (input === '' || !HAS_SCHEME.test(input)) return '';
  const parsed = tryParse(input);
  return parsed === undefined ? '' : parsed.hostname.toLowerCase();
}

function tryParse(input: string, base?: string): URL | undefined {
  // try/catch rather than URL.canParse + new URL: one parse instead of two on the common
  // (valid) path; the throw only costs on garbage, which is rare.
  try {
    return new URL(input, base);
  } catch {
    return undefined;
  }
}

/** Mutable twins of Utm/ClickIds, filled by scanQuery before being handed out. */
type Found = { -readonly [K in keyof Utm]: string } & { -readonly [K in keyof ClickIds]: string };

/**
 * Pull the utm values and click ids out of a raw query string (`a=1&utm_source=x`).
 * Hand-rolled because the common case is a query with none of them, which this rejects with
 * two `includes` calls and no allocation.
 */
function scanQuery(query: string): { utm: Utm; clickIds: ClickIds } {
  if (query === '' || (!query.includes('utm_') && !query.includes('clid'))) {
    return { utm: EMPTY_UTM, clickIds: EMPTY_CLICK_IDS };
  }
  const found: Found = {
    source: '',
    medium: '',
    campaign: '',
    term: '',
    content: '',
    gclid: '',
    fbclid: '',
    msclkid: '',
  };
  let anyUtm = false;
  let anyClickId = false;
  let start = 0;
  while (start <= query.length) {
    let end = query.indexOf('&', start);
    if (end === -1) end = query.length;
    const eq = query.indexOf('=', start);
    const keyEnd = eq === -1 || eq > end ? end : eq;
    const field = fieldFor(query, start, keyEnd);
    if (field !== undefined && found[field] === '') {
      const value = keyEnd < end ? decodeComponent(query.slice(keyEnd + 1, end)) : '';
      found[field] = value;
      if (value !== '') {
        if (field === 'gclid' || field === 'fbclid' || field === 'msclkid') anyClickId = true;
        else anyUtm = true;
      }
    }
    start = end + 1;
  }
  return {
    utm: anyUtm
      ? {
          source: found.source,
          medium: found.medium,
          campaign: found.campaign,
          term: found.term,
          content: found.content,
        }
      : EMPTY_UTM,
    clickIds: anyClickId ? { gclid: found.gclid, fbclid: found.fbclid, msclkid: found.msclkid } : EMPTY_CLICK_IDS,
  };
}

/**
 * Which field the key `query[start, end)` names, if any. Compares in place (`startsWith` at
 * an offset) so the keys we do not care about are never copied out of the query string.
 * Keys are matched case-sensitively, like Google Analytics does.
 */
function fieldFor(query: string, start: number, end: number): keyof Found | undefined {
  const len = end - start;
  if (len >= 10 && query.startsWith('utm_', start)) {
    if (len === 10 && query.startsWith('source', start + 4)) return 'source';
    if (len === 10 && query.startsWith('medium', start + 4)) return 'medium';
    if (len === 12 && query.startsWith('campaign', start + 4)) return 'campaign';
    if (len === 11 && query.startsWith('content', start + 4)) return 'content';
    return undefined;
  }
  if (len === 8 && query.startsWith('utm_term', start)) return 'term';
  if (len === 5 && query.startsWith('gclid', start)) return 'gclid';
  if (len === 6 && query.startsWith('fbclid', start)) return 'fbclid';
  if (len === 7 && query.startsWith('msclkid', start)) return 'msclkid';
  return undefined;
}

/**
 * Decode one `application/x-www-form-urlencoded` value: `+` is a space, then percent-decoding.
 * A malformed escape (`%E0%A4%A`) keeps the raw text rather than losing the value, and the
 * result is trimmed because stray spaces split one campaign into two rows in a GROUP BY.
 */
function decodeComponent(raw: string): string {
  if (raw === '') return '';
  const spaced = raw.includes('+') ? raw.replaceAll('+', ' ') : raw;
  if (!spaced.includes('%')) return spaced.trim();
  try {
    return decodeURIComponent(spaced).trim();
  } catch {
    return spaced.trim();
  }
}
