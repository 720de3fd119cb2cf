/**
 * The real {@link SiteResolver}: write key → site from Postgres, cached for `ttlMs` so the
 * hot path does not query Postgres per request, yet a revoked key stops working within
 * `ttlMs` (5 s by default). Unknown keys are cached too, briefly, so a client hammering
 * with a bad key costs one query per second at most.
 */
import type { SiteStore } from '../lib/sites.js';
import type { Site, SiteResolver } from './deps.js';

export function createPostgresSiteResolver(
  store: Pick<SiteStore, 'findByKey'>,
  { ttlMs = 5000, negativeTtlMs = 1000, maxEntries = 10_000 } = {},
): SiteResolver {
  const cache = new Map<string, { site: Site | null; expires: number }>();
  return {
    async resolve(writeKey) {
      const now = Date.now();
      const hit = cache.get(writeKey);
      if (hit && hit.expires > now) return hit.site;
      const record = await store.findByKey(writeKey); // rejects when Postgres is down → 503
      const site = record
        ? {
            siteId: record.siteId,
            name: record.siteId,
            allowedOrigins: record.allowedOrigins,
            timezone: record.timezone,
          }
        : null;
      if (cache.size >= maxEntries) cache.delete(cache.keys().next().value!);
      cache.set(writeKey, { site, expires: now + (site ? ttlMs : negativeTtlMs) });
      return site;
    },
  };
}
