/**
 * What every command needs first: the config (from env and .env), where the services are,
 * and a logger.
 */
import { MAX_LOCAL_SHARDS } from '../lib/clickhouse-layout.js';
import { type Config, loadConfig } from '../lib/config.js';
import { UsageError } from './command.js';
import { type Endpoints, resolveEndpoints } from '../lib/endpoints.js';
import { createLogger, type Logger } from '../lib/logger.js';

export interface Context {
  config: Config;
  /** Resolved once here; every role and tool the command starts receives this value. */
  endpoints: Endpoints;
  logger: Logger;
}

/**
 * Loads .env (once; real env vars win over it), parses the config, resolves the endpoints,
 * makes a logger. `overrides` win over both: variables a command's flags set.
 */
export function loadContext(service: string, overrides: Record<string, string> = {}): Context {
  const config = loadConfig(overrides);
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

/** The variable `--shards N` stands for (start, services): how many embedded ClickHouse shards. */
export function shardsOverride(value: unknown): Record<string, string> {
  if (value === undefined) return {};
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_LOCAL_SHARDS)
    throw new UsageError(`--shards takes a whole number from 1 to ${MAX_LOCAL_SHARDS}; got "${String(value)}"`);
  return { LOCAL_CLICKHOUSE_SHARDS: String(n) };
}
