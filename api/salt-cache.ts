/**
 * The visitor salts as the API needs them: synchronously, on every request, and still there
 * while Postgres blips. The salts of yesterday, today and tomorrow are loaded at start and
 * refreshed every few minutes, so a request at midnight (or during a Postgres outage shorter
 * than a day) finds its salt already in memory. Tomorrow's salt is created early on purpose:
 * creating a salt ahead is harmless, only deleting it matters for privacy.
 */
import type { Logger } from 'pino';
import { saltDayOf } from '../lib/salt-day.js';
import type { VisitorSalts } from '../lib/visitor-salts.js';

const DAY_MS = 86_400_000;

/** What the route needs: the salt of a day, in memory when possible. */
export interface SaltSource {
  /** The salt (hex) for `day`: a string when loaded, else a promise (rejects when it cannot be loaded). */
  saltFor(day: string): string | Promise<string>;
}

export interface SaltCache extends SaltSource {
  /** Loads the salts around now, then again every `refreshMs` until `stop()`. */
  start(): Promise<void>;
  stop(): void;
}

/** A salt cache over the shared Postgres salts. */
export function createSaltCache(
  salts: VisitorSalts,
  { logger, now = Date.now, refreshMs = 5 * 60_000 }: { logger: Logger; now?: () => number; refreshMs?: number },
): SaltCache {
  const loaded = new Map<string, string>();
  let timer: NodeJS.Timeout | undefined;

  const load = async (day: string): Promise<string> => {
    const salt = await salts.forDay(day);
    loaded.set(day, salt);
    // Only a handful of days are ever live.
    while (loaded.size > 6) loaded.delete(loaded.keys().next().value!);
    return salt;
  };
  const refresh = async () => {
    const t = now();
    // Every salt day an event received now could need, in any zone (UTC-12 to UTC+14).
    const days = new Set([t - DAY_MS, t, t + DAY_MS].map((ms) => saltDayOf(ms, 'UTC')));
    await Promise.all(
      [...days].map((day) =>
        load(day).catch((error: unknown) => logger.warn({ err: error, day }, 'visitor_salt_refresh_failed')),
      ),
    );
  };

  return {
    saltFor(day) {
      return loaded.get(day) ?? load(day);
    },
    async start() {
      await refresh();
      timer = setInterval(() => void refresh(), refreshMs);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
    },
  };
}

/** A fixed salt for every day (HTTP-layer tests). */
export function staticSalts(salt: string): SaltSource {
  return { saltFor: () => salt };
}
