/**
 * Sites, their write keys and settings, in Postgres (`clickstream.sites`). A key is shown
 * once, when the site is added or its key rotated; only its sha256 is stored.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Pool, Client } from './postgres.js';
import { parseTimeZone } from './time-zones.js';

export interface SiteRecord {
  siteId: string;
  keyPrefix: string;
  allowedOrigins: string[];
  /** IANA zone the site's days are counted in (marts' `day`). */
  timezone: string;
  createdAt: Date;
  revokedAt: Date | null;
  /** The key replaced by the last rotation, accepted until `previousKeyExpiresAt`. */
  previousKeyPrefix: string | null;
  previousKeyExpiresAt: Date | null;
}

/** What `sites set` may change; absent fields stay as they are. */
export interface SiteChanges {
  timezone?: string;
  origins?: string[];
}

export const SITE_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export function hashWriteKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** A new write key: `csk_` + 32 random bytes, base64url (43 characters). */
export function newWriteKey(): string {
  return `csk_${randomBytes(32).toString('base64url')}`;
}

/** `https://shop.example` from anything URL-like; throws a clear error otherwise. */
export function normalizeOrigin(input: string): string {
  if (input === '*') return '*';
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new Error(`"${input}" is not an origin; expected scheme://host[:port], e.g. https://shop.example`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error(`"${input}": origins are http:// or https://`);
  return url.origin;
}

type Db = Pool | Client;

export function createSiteStore(db: Db) {
  const toRecord = (r: {
    site_id: string;
    key_prefix: string;
    allowed_origins: string[];
    timezone: string;
    created_at: Date;
    revoked_at: Date | null;
    previous_key_prefix: string | null;
    previous_key_expires_at: Date | null;
  }): SiteRecord => ({
    siteId: r.site_id,
    keyPrefix: r.key_prefix,
    allowedOrigins: r.allowed_origins,
    timezone: r.timezone,
    createdAt: r.created_at,
    revokedAt: r.revoked_at,
    previousKeyPrefix: r.previous_key_prefix,
    previousKeyExpiresAt: r.previous_key_expires_at,
  });

  return {
    /**
     * Adds a site and returns its new key (the only time the key exists in clear).
     * `timezone` is an IANA name (default UTC), stored in its canonical form.
     */
    async add(siteId: string, origins: string[], timezone = 'UTC'): Promise<{ site: SiteRecord; key: string }> {
      if (!SITE_ID_PATTERN.test(siteId)) {
        throw new Error(
          `site name "${siteId}": expected lowercase letters, digits, - or _, starting with a letter or digit, at most 63 characters`,
        );
      }
      const allowed = origins.map(normalizeOrigin);
      const zone = parseTimeZone(timezone);
      const key = newWriteKey();
      try {
        const { rows } = await db.query(
          `INSERT INTO clickstream.sites (site_id, key_hash, key_prefix, allowed_origins, timezone)
           VALUES ($1, $2, $3, $4, $5) RETURNING *`,
          [siteId, hashWriteKey(key), key.slice(0, 8), allowed, zone],
        );
        return { site: toRecord(rows[0]), key };
      } catch (error) {
        if ((error as { code?: string }).code === '23505') throw new Error(`site "${siteId}" already exists`);
        throw error;
      }
    },
    async list(): Promise<SiteRecord[]> {
      const { rows } = await db.query('SELECT * FROM clickstream.sites ORDER BY site_id');
      return rows.map(toRecord);
    },
    /** The site named `siteId` (active or revoked), or null. */
    async get(siteId: string): Promise<SiteRecord | null> {
      const { rows } = await db.query('SELECT * FROM clickstream.sites WHERE site_id = $1', [siteId]);
      return rows[0] ? toRecord(rows[0]) : null;
    },
    /**
     * Changes a site's time zone and/or allowed origins (the whole list is replaced).
     * Returns the site before and after, or null when there is no such site.
     */
    async set(siteId: string, changes: SiteChanges): Promise<{ before: SiteRecord; after: SiteRecord } | null> {
      const zone = changes.timezone === undefined ? null : parseTimeZone(changes.timezone);
      const origins = changes.origins === undefined ? null : changes.origins.map(normalizeOrigin);
      // One statement, so a concurrent change cannot slip between reading "before" and writing
      const { rows } = await db.query(
        `WITH before AS (SELECT * FROM clickstream.sites WHERE site_id = $1 FOR UPDATE)
         UPDATE clickstream.sites s
            SET timezone = coalesce($2, s.timezone), allowed_origins = coalesce($3, s.allowed_origins)
           FROM before WHERE s.site_id = before.site_id
         RETURNING row_to_json(before.*) AS before, row_to_json(s.*) AS after`,
        [siteId, zone, origins],
      );
      if (!rows[0]) return null;
      const revive = (r: Record<string, unknown>) =>
        toRecord({
          ...(r as Parameters<typeof toRecord>[0]),
          created_at: new Date(r.created_at as string),
          revoked_at: r.revoked_at ? new Date(r.revoked_at as string) : null,
          previous_key_expires_at: r.previous_key_expires_at ? new Date(r.previous_key_expires_at as string) : null,
        });
      return { before: revive(rows[0].before), after: revive(rows[0].after) };
    },
    /**
     * Gives an active site a new key; the current key keeps working for `graceMs` (so the
     * site can deploy the new one without losing events), an older previous key stops now.
     * Returns the new key, or null when there is no such active site.
     */
    async rotateKey(siteId: string, graceMs: number): Promise<{ site: SiteRecord; key: string } | null> {
      const key = newWriteKey();
      const { rows } = await db.query(
        `UPDATE clickstream.sites
            SET previous_key_hash = key_hash, previous_key_prefix = key_prefix,
                previous_key_expires_at = now() + $4 * interval '1 millisecond',
                key_hash = $2, key_prefix = $3, key_rotated_at = now()
          WHERE site_id = $1 AND revoked_at IS NULL
         RETURNING *`,
        [siteId, hashWriteKey(key), key.slice(0, 8), graceMs],
      );
      return rows[0] ? { site: toRecord(rows[0]), key } : null;
    },
    /** Revokes the site's key; returns false when there is no such active site. */
    async revoke(siteId: string): Promise<boolean> {
      const { rowCount } = await db.query(
        'UPDATE clickstream.sites SET revoked_at = now() WHERE site_id = $1 AND revoked_at IS NULL',
        [siteId],
      );
      return rowCount === 1;
    },
    /** The active site with this key (current, or previous within its grace), or null. */
    async findByKey(key: string): Promise<SiteRecord | null> {
      const { rows } = await db.query(
        `SELECT * FROM clickstream.sites
          WHERE (key_hash = $1 OR (previous_key_hash = $1 AND previous_key_expires_at > now()))
            AND revoked_at IS NULL`,
        [hashWriteKey(key)],
      );
      return rows[0] ? toRecord(rows[0]) : null;
    },
    /** site_id → time zone of every site not counted in UTC (revoked ones too: their events stay). */
    async timeZones(): Promise<Map<string, string>> {
      const { rows } = await db.query<{ site_id: string; timezone: string }>(
        "SELECT site_id, timezone FROM clickstream.sites WHERE timezone <> 'UTC'",
      );
      return new Map(rows.map((r) => [r.site_id, r.timezone]));
    },
  };
}

export type SiteStore = ReturnType<typeof createSiteStore>;
