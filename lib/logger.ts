/**
 * Structured logging (pino). Every role gets a child logger named after it, so a line
 * says which service wrote it: `{"service":"consumer","msg":"batch_loaded",...}`.
 */
import { pino, type Logger } from 'pino';

export type { Logger };

/** Creates the root logger; JSON lines on stdout (pipe through pino-pretty to read them). */
export function createLogger(level: string, service = 'clickstream'): Logger {
  return pino({ level, base: { service } });
}
