/**
 * Daily visitor salts, shared by every consumer through Postgres. The first consumer to
 * need a day's salt creates it (INSERT ... ON CONFLICT DO NOTHING, then read back), so all
 * consumers hash with the same salt. A salt is keyed by a calendar day and used for each
 * site's own local day (a Moscow site switches to day D's salt at 00:00 Moscow time), so
 * up to three days are live at once (UTC-12 to UTC+14). Salts older than yesterday (UTC)
 * are deleted when a new day starts — no site is still in that day by then — and from
 * then on nobody, us included, can tie a visitor id to an IP.
 */
import { randomBytes } from 'node:crypto';
import type { Pool } from './postgres.js';
import { utcDay } from './time.js';

export interface VisitorSalts {
  /** The salt (hex) for a calendar day ('YYYY-MM-DD'); cached after the first call. */
  forDay(day: string): Promise<string>;
}

export function createVisitorSalts(pool: Pool, now: () => Date = () => new Date()): VisitorSalts {
  const cache = new Map<string, Promise<string>>();

  const load = async (day: string): Promise<string> => {
    await pool.query('INSERT INTO clickstream.visitor_salts (day, salt) VALUES ($1, $2) ON CONFLICT (day) DO NOTHING', [
      day,
      randomBytes(32),
    ]);
    const { rows } = await pool.query<{ salt: Buffer }>('SELECT salt FROM clickstream.visitor_salts WHERE day = $1', [
      day,
    ]);
    // Rotation: keep today and yesterday only (days before that are not needed by anyone).
    const today = utcDay(now());
    await pool.query("DELETE FROM clickstream.visitor_salts WHERE day < ($1::date - interval '1 day')", [today]);
    return rows[0]!.salt.toString('hex');
  };

  return {
    forDay(day) {
      let salt = cache.get(day);
      if (!salt) {
        salt = load(day);
        salt.catch(() => cache.delete(day)); // a failed load is retried by the next call
        cache.set(day, salt);
        // Only a handful of days are ever live; drop the oldest beyond that.
        if (cache.size > 4) cache.delete(cache.keys().next().value!);
      }
      return salt;
    },
  };
}
