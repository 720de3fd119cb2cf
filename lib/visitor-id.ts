/**
 * The anonymous visitor id: a hash of (daily salt, site, IP, user agent), so the raw IP is
 * never stored and a visitor cannot be followed across days or across sites. Same idea as
 * Plausible's and Fathom's cookieless ids. The API computes it (records on Kafka carry the
 * hash, never the IP); the consumer still computes it for records written before that.
 *
 * Salts live elsewhere (generated, stored and rotated by lib/visitor-salts.ts, keyed by the
 * day lib/salt-day.ts picks); this file is pure: same inputs, same id, no I/O.
 */
import { createHash } from 'node:crypto';

export interface VisitorIdInput {
  /** Today's secret salt. Rotated daily and destroyed later: that is what makes ids unlinkable. */
  salt: string;
  siteId: string;
  /** The client IP as the API saw it (IPv4, IPv6, or IPv4-mapped IPv6). Used, never kept. */
  ip: string;
  /** The event's user agent (the raw string; not the parsed browser). */
  userAgent: string;
}

/** `::ffff:203.0.113.7` → `203.0.113.7`. */
const IPV4_MAPPED_PREFIX = '::ffff:';

/**
 * A stable visitor id: the first 16 bytes of SHA-256 over the inputs, as **32 lowercase hex
 * characters** (e.g. `'3f2a…9c'`).
 *
 * Why this shape: 128 bits make collisions a non-issue at any realistic traffic (a UInt64
 * would start colliding within a site around 4 billion visitors/day; fine, but 128 bits cost
 * nothing extra here), and a hex string stores cleanly in a `String`/`FixedString(32)`
 * column next to `user_id`, which is also a string.
 *
 * The fields are joined with NUL, which none of salt, site id or IP can contain, and the
 * free-form user agent goes last, so no two different inputs hash the same bytes. The IP is
 * normalized first (IPv4-mapped IPv6 → IPv4, IPv6 lowercased) so a dual-stack listener does
 * not split one visitor in two.
 *
 * @throws {RangeError} when `salt` is empty: that is a deployment bug, and hashing without a
 *   secret would make the id reversible by brute-forcing the IPv4 space.
 */
export function visitorId({ salt, siteId, ip, userAgent }: VisitorIdInput): string {
  if (salt === '') throw new RangeError('visitorId: salt must be a non-empty secret');
  return createHash('sha256')
    .update(`${salt}\0${siteId}\0${normalizeIp(ip)}\0${userAgent}`)
    .digest()
    .toString('hex', 0, 16);
}

function normalizeIp(ip: string): string {
  const trimmed = ip.trim();
  if (!trimmed.includes(':')) return trimmed; // IPv4, the common case: nothing to do
  const lower = trimmed.toLowerCase();
  // Only the dotted form is IPv4-mapped (`::ffff:1.2.3.4`); `::ffff:abcd` is plain IPv6.
  if (lower.startsWith(IPV4_MAPPED_PREFIX) && lower.includes('.', IPV4_MAPPED_PREFIX.length)) {
    return lower.slice(IPV4_MAPPED_PREFIX.length);
  }
  return lower;
}
