/**
 * Collapses a storm of identical warnings into one line now and one summary line per
 * window. During an outage every request and every client retry fails the same way; one
 * line each (tens of thousands per minute) buries the start and end of the outage and
 * costs CPU when it is scarcest. The first occurrence of a key is logged at once; repeats
 * within the window are counted and reported as `{ ...last fields, repeated: N,
 * window_s }` when the window ends; a window with no repeats closes silently, so the next
 * occurrence is logged at once again.
 */
import type { Logger } from './logger.js';

export interface WarningSummaryOptions {
  /** Length of a summary window. */
  windowMs?: number;
  /** Keys tracked at once; a new key beyond this is logged as it comes (never dropped). */
  maxKeys?: number;
}

export interface WarningSummary {
  /** Logs `msg` at warn level under `key`, or counts it when `key` was logged in this window. */
  warn(key: string, fields: Record<string, unknown>, msg: string): void;
  /** Writes the pending summaries now and stops the timer (on shutdown). */
  close(): void;
}

interface Window {
  msg: string;
  fields: Record<string, unknown>;
  repeated: number;
  endsAt: number;
}

/** A summary over `logger`; its timer is unref'd, so it never keeps a process alive. */
export function createWarningSummary(
  logger: Logger,
  { windowMs = 10_000, maxKeys = 1000 }: WarningSummaryOptions = {},
): WarningSummary {
  const windows = new Map<string, Window>();
  let timer: NodeJS.Timeout | undefined;

  const report = (w: Window) => logger.warn({ ...w.fields, repeated: w.repeated, window_s: windowMs / 1000 }, w.msg);

  const tick = () => {
    const now = Date.now();
    for (const [key, w] of windows) {
      if (w.endsAt > now) continue;
      if (w.repeated === 0) {
        windows.delete(key);
        continue;
      }
      report(w);
      w.repeated = 0;
      w.endsAt = now + windowMs;
    }
    if (windows.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };

  return {
    warn(key, fields, msg) {
      const open = windows.get(key);
      if (open) {
        open.repeated++;
        open.fields = fields;
        return;
      }
      logger.warn(fields, msg);
      if (windows.size >= maxKeys) return;
      windows.set(key, { msg, fields, repeated: 0, endsAt: Date.now() + windowMs });
      if (!timer) {
        timer = setInterval(tick, Math.min(1000, windowMs));
        timer.unref();
      }
    },
    close() {
      if (timer) clearInterval(timer);
      timer = undefined;
      for (const w of windows.values()) if (w.repeated > 0) report(w);
      windows.clear();
    },
  };
}
