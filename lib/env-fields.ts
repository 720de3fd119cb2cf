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

/** `undefined` for unset *or empty* values, so `FOO=` in .env means "not set". */
export const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

export const httpUrl = optionalString.refine(
  (v) => v === undefined || /^https?:\/\/[^/\s]+/.test(v),
  'expected an http(s) URL such as http://127.0.0.1:8123',
);

export const postgresUrl = optionalString.refine(
  (v) => v === undefined || /^postgres(ql)?:\/\/\S+/.test(v),
  'expected a postgres:// URL such as postgres://user:pass@127.0.0.1:5432/clickstream',
);

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
