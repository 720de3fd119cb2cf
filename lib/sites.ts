/**
 * Sites and their write keys, in Postgres (`clickstream.sites`). A key is shown once, when
 * the site is added; only its sha256 is stored.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Pool, Client } from './postgres.js';

export interface SiteRecord {
  siteId: string;
  keyPrefix: string;
  allowedOrigins: string[];
  createdAt: Date;
  revokedAt: Date | null;
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
    created_at: Date;
    revoked_at: Date | null;
  }): SiteRecord => ({
    siteId: r.site_id,
    keyPrefix: r.key_prefix,
    allowedOrigins: r.allowed_origins,
    createdAt: r.created_at,
    revokedAt: r.revoked_at,
  });

  return {
    /** Adds a site and returns its new key (the only time the key exists in clear). */
    async add(siteId: string, origins: string[]): Promise<{ site: SiteRecord; key: string }> {
      if (!SITE_ID_PATTERN.test(siteId)) {
        throw new Error(
          `site name "${siteId}": expected lowercase letters, digits, - or _, starting with a letter or digit, at most 63 characters`,
        );
      }
      const allowed = origins.map(normalizeOrigin);
      const key = newWriteKey();
      try {
        const { rows } = await db.query(
          `INSERT INTO clickstream.sites (site_id, key_hash, key_prefix, allowed_origins) VALUES ($1, $2, $3, $4) RETURNING *`,
          [siteId, hashWriteKey(key), key.slice(0, 8), allowed],
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
    /** Revokes the site's key; returns false when there is no such active site. */
    async revoke(siteId: string): Promise<boolean> {
      const { rowCount } = await db.query(
        'UPDATE clickstream.sites SET revoked_at = now() WHERE site_id = $1 AND revoked_at IS NULL',
        [siteId],
      );
      return rowCount === 1;
    },
    /** The active site with this key, or null (unknown or revoked). */
    async findByKey(key: string): Promise<SiteRecord | null> {
      const { rows } = await db.query('SELECT * FROM clickstream.sites WHERE key_hash = $1 AND revoked_at IS NULL', [
        hashWriteKey(key),
      ]);
      return rows[0] ? toRecord(rows[0]) : null;
    },
  };
}

export type SiteStore = ReturnType<typeof createSiteStore>;
