/**
 * The shape of a `clickstream <command>`: options declared for node's util.parseArgs,
 * a help text, and a run function. cli/main.ts finds the command and parses its flags.
 */
import type { ParseArgsConfig } from 'node:util';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface CommandInput {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
}

export interface Command {
  name: string;
  /** One line, shown in `clickstream --help`. */
  summary: string;
  /** Shown by `clickstream <command> --help`, after the usage line. */
  usage: string;
  options?: OptionSpec;
  /** Whether the command takes positional arguments (subcommands, names). */
  positionals?: boolean;
  /** Returns the process exit code; long-running commands resolve when stopped. */
  run(input: CommandInput): Promise<number>;
}

/** A usage mistake: printed with the command's help, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A whole number within bounds, or undefined when the flag was not given. */
export function intOption(values: Record<string, unknown>, name: string, min: number, max: number): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`--${name} takes a whole number from ${min} to ${max}; got "${String(raw)}"`);
  }
  return value;
}
