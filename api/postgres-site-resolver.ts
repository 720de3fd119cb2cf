/**
 * The real {@link SiteResolver}: write key → site from Postgres, cached for `ttlMs` so the
 * hot path does not query Postgres per request, yet a revoked key stops working within
 * `ttlMs` (5 s by default). Unknown keys are cached too, briefly, so a client hammering
 * with a bad key costs one query per second at most; they live in a map of their own, so a
 * flood of bogus keys can never push the real ones out.
 *
 * A Postgres outage must not stop ingestion: every replica shares that one Postgres. While
 * it is unreachable, a key whose answer is known (a site, or a known revocation) keeps that
 * answer for up to `staleMs` after it was last confirmed (API_SITE_CACHE_STALE_S, 10 min);
 * only keys never seen get an error (503). Once a lookup failed, further lookups wait a
 * second (`retryMs`) before touching Postgres again, so an outage costs requests neither
 * latency nor a connection attempt each; the first lookup after that is the probe, and
 * once it succeeds every answer is fresh again (a revocation made meanwhile takes effect
 * then).
 */
import type { DependencyStatus } from '../lib/readiness.js';
import type { SiteStore } from '../lib/sites.js';
import type { Site, SiteResolver } from './deps.js';

export interface SiteResolverOptions {
  /** How long an answer is used without asking Postgres again. */
  ttlMs?: number;
  /** The same for unknown or revoked keys. */
  negativeTtlMs?: number;
  /** How long after its last confirmation an answer may still be used while Postgres is down. */
  staleMs?: number;
  /** After a failed lookup, how long to serve known answers before trying Postgres again. */
  retryMs?: number;
  /** A lookup slower than this counts as failed (known answers are served meanwhile). */
  lookupTimeoutMs?: number;
  /** Cached sites; and, separately, as many unknown keys. */
  maxEntries?: number;
  now?: () => number;
}

/** What the resolver knows about its store, for `/readyz`. */
export interface SiteResolverStatus extends DependencyStatus {
  /** Answers currently cached (sites and unknown keys). */
  cached: number;
  /** Answers given from the cache past their TTL because Postgres was unreachable. */
  staleAnswers: number;
}

export interface CachingSiteResolver extends SiteResolver {
  status(): SiteResolverStatus;
}

interface Entry {
  site: Site | null;
  /** When Postgres last gave this answer. */
  confirmedAt: number;
}

export function createPostgresSiteResolver(
  store: Pick<SiteStore, 'findByKey'>,
  {
    ttlMs = 5000,
    negativeTtlMs = 1000,
    staleMs = 600_000,
    retryMs = 1000,
    lookupTimeoutMs = 1500,
    maxEntries = 10_000,
    now = Date.now,
  }: SiteResolverOptions = {},
): CachingSiteResolver {
  const sites = new Map<string, Entry>();
  const unknown = new Map<string, Entry>();
  let failedAt: number | undefined;
  let probing = false;
  let lastError = '';
  let staleAnswers = 0;

  const remember = (key: string, entry: Entry) => {
    const map = entry.site ? sites : unknown;
    (entry.site ? unknown : sites).delete(key);
    map.delete(key); // re-inserted last: the map's order is its recency
    if (map.size >= maxEntries) map.delete(map.keys().next().value!);
    map.set(key, entry);
  };

  const stale = (entry: Entry | undefined, error: unknown): Site | null => {
    if (entry && now() - entry.confirmedAt <= staleMs) {
      staleAnswers++;
      return entry.site;
    }
    throw error;
  };

  return {
    async resolve(writeKey) {
      const t = now();
      const entry = sites.get(writeKey) ?? unknown.get(writeKey);
      if (entry && t - entry.confirmedAt < (entry.site ? ttlMs : negativeTtlMs)) return entry.site;
      // While Postgres is known down, one lookup at a time probes it; the rest use the cache.
      const down = failedAt !== undefined;
      if (down && (probing || t - failedAt! < retryMs)) {
        return stale(entry, new Error(`postgres unreachable: ${lastError}`));
      }
      let record: Awaited<ReturnType<typeof store.findByKey>>;
      if (down) probing = true;
      try {
        record = await withTimeout(store.findByKey(writeKey), lookupTimeoutMs);
      } catch (error) {
        failedAt = now();
        lastError = (error as Error).message ?? String(error);
        return stale(entry, error);
      } finally {
        if (down) probing = false;
      }
      failedAt = undefined;
      const site = record
        ? {
            siteId: record.siteId,
            name: record.siteId,
            allowedOrigins: record.allowedOrigins,
            timezone: record.timezone,
          }
        : null;
      remember(writeKey, { site, confirmedAt: now() });
      return site;
    },
    status() {
      const cached = sites.size + unknown.size;
      return failedAt === undefined
        ? { ok: true, detail: 'site lookups answered', cached, staleAnswers }
        : {
            ok: false,
            detail: `unreachable (${lastError}); serving ${sites.size} known keys from the cache for up to ${Math.round(staleMs / 1000)} s`,
            cached,
            staleAnswers,
          };
    },
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  promise.catch(() => {}); // a lookup that loses the race may still fail: not unhandled
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
