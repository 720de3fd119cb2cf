/**
 * What every command needs first: the config (from env and .env), where the services are,
 * and a logger.
 */
import { type Config, loadConfig } from '../lib/config.js';
import { type Endpoints, resolveEndpoints } from '../lib/endpoints.js';
import { createLogger, type Logger } from '../lib/logger.js';

export interface Context {
  config: Config;
  /** Resolved once here; every role and tool the command starts receives this value. */
  endpoints: Endpoints;
  logger: Logger;
}

/** Loads .env (once; real env vars win over it), parses the config, resolves the endpoints, makes a logger. */
export function loadContext(service: string): Context {
  const config = loadConfig();
  return { config, endpoints: resolveEndpoints(config), logger: createLogger(config.logLevel, service) };
}

/**
 * Whether a failed command should print the whole stack (LOG_LEVEL=debug or trace), for bug
 * reports. False when the configuration itself is what failed.
 */
export function wantsStackTraces(): boolean {
  try {
    const { logLevel } = loadConfig();
    return logLevel === 'debug' || logLevel === 'trace';
  } catch {
    return false;
  }
}

/** For human-facing progress lines (start, services): plain text on stderr. */
export function say(message: string): void {
  process.stderr.write(`${message}\n`);
}
