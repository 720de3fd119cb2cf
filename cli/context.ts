/**
 * What every command needs first: the config (from env and .env) and a logger.
 */
import dotenv from 'dotenv';
import { type Config, parseConfig } from '../lib/config.js';
import { createLogger, type Logger } from '../lib/logger.js';

export interface Context {
  config: Config;
  logger: Logger;
}

let loaded = false;

/** Loads .env (once; real env vars win over it), parses the config and makes a logger. */
export function loadContext(service: string): Context {
  if (!loaded) {
    dotenv.config({ quiet: true });
    loaded = true;
  }
  const config = parseConfig(process.env);
  return { config, logger: createLogger(config.logLevel, service) };
}

/** For human-facing progress lines (start, services): plain text on stderr. */
export function say(message: string): void {
  process.stderr.write(`${message}\n`);
}
