/**
 * The zod building blocks of lib/config.ts: one per kind of environment value, each with
 * the "expected ..." message a user sees when the value is wrong.
 */
import { z } from 'zod';

export const port = (fallback: number) =>
  z.coerce
    .number({ error: 'expected an integer port 1-65535' })
    .int('expected an integer port 1-65535')
    .min(1, 'expected an integer port 1-65535')
    .max(65535, 'expected an integer port 1-65535')
    .default(fallback);

export const positiveInt = (fallback: number) =>
  z.coerce
    .number({ error: 'expected a positive integer' })
    .int('expected a positive integer')
    .positive('expected a positive integer')
    .default(fallback);

/**
 * A password with a local default. Any characters are fine: it never goes into a URL.
 * Empty means the default, so `FOO=` in .env does not make a password-less user.
 */
export const password = (fallback: string) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v === '' ? fallback : v));

/** `undefined` for unset *or empty* values, so `FOO=` in .env means "not set". */
export const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

export const httpUrl = optionalString.refine(
  (v) => v === undefined || /^https?:\/\/[^/\s]+/.test(v),
  'expected an http(s) URL such as http://127.0.0.1:8123',
);

/** A comma-separated list of http(s) URLs, e.g. one per ClickHouse shard. */
export const httpUrlList = optionalString
  .refine(
    (v) => v === undefined || v.split(',').every((u) => /^https?:\/\/[^/\s,]+/.test(u.trim())),
    'expected a comma-separated list of http(s) URLs, such as http://ch-s1:8123,http://ch-s2:8123',
  )
  .transform((v) => (v === undefined ? undefined : v.split(',').map((u) => u.trim())));

/** An optional plain identifier (a ClickHouse cluster or database name). */
export const optionalIdentifier = optionalString.refine(
  (v) => v === undefined || /^[A-Za-z_][A-Za-z0-9_]*$/.test(v),
  'expected a plain identifier such as clickstream',
);

const POSTGRES_URL_HINT =
  'expected a postgres:// URL such as postgres://user:pass@127.0.0.1:5432/clickstream; ' +
  'in the user and password, @ : / # ? % must be percent-encoded (@ as %40, # as %23, ...), ' +
  'or leave them out of the URL (postgres://host:5432/db) and set PGUSER and PGPASSWORD';

/**
 * Why a DATABASE_URL would not reach the intended server as the intended user, or
 * undefined. A password pasted in unescaped shows up here: a `#` starts a fragment, a `/`
 * ends the host, a stray `%` is not a valid escape.
 */
function postgresUrlProblem(v: string): string | undefined {
  if (!/^postgres(ql)?:\/\/\S+$/.test(v)) return 'not a postgres:// URL';
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    return 'does not parse as a URL';
  }
  if (url.hash !== '') return 'has a # (fragment)';
  if (/\/./.test(url.pathname.slice(1))) return 'has a path of more than one segment';
  try {
    decodeURIComponent(url.username);
    decodeURIComponent(url.password);
  } catch {
    return 'has a % that is not a valid escape in its user or password';
  }
  return undefined;
}

export const postgresUrl = optionalString.superRefine((v, ctx) => {
  const problem = v === undefined ? undefined : postgresUrlProblem(v);
  if (problem) ctx.addIssue({ code: 'custom', message: `${problem}: ${POSTGRES_URL_HINT}` });
});

export const brokerList = optionalString
  .refine(
    (v) => v === undefined || v.split(',').every((b) => /^[^\s:,]+:\d{1,5}$/.test(b.trim())),
    'expected a comma-separated list of host:port, such as 127.0.0.1:9092',
  )
  .transform((v) => (v === undefined ? undefined : v.split(',').map((b) => b.trim())));

/** An optional positive number; unset keeps the documented default of the code using it. */
export const optionalPositive = z
  .string()
  .optional()
  .transform((v, ctx) => {
    if (v === undefined || v.trim() === '') return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) {
      ctx.addIssue({ code: 'custom', message: 'expected a positive number' });
      return z.NEVER;
    }
    return n;
  });

export const bool = z
  .string()
  .optional()
  .transform((v, ctx) => {
    const t = (v ?? '').trim().toLowerCase();
    if (['', '0', 'false', 'no', 'off'].includes(t)) return false;
    if (['1', 'true', 'yes', 'on'].includes(t)) return true;
    ctx.addIssue({ code: 'custom', message: 'expected true or false' });
    return z.NEVER;
  });

export const logLevel = z
  .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    error: 'expected one of fatal, error, warn, info, debug, trace, silent',
  })
  .default('info');
