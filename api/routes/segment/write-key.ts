/**
 * Where a Segment client puts its write key: `Authorization: Basic base64(writeKey + ":")`
 * (analytics-node, analytics-next, the HTTP API), or the body's `writeKey` field.
 */
import type { Context } from 'hono';
import type { ApiEnv } from '../../env.js';
import { isObject } from '../compat/fields.js';
import type { KeySource } from '../compat/middleware.js';

/** The key from Basic auth (the user name; the password is empty), else from the body. */
export function segmentWriteKey(c: Context<ApiEnv>): string | undefined {
  const auth = c.req.header('Authorization');
  const basic = auth?.match(/^Basic\s+(\S+)$/i)?.[1];
  if (basic !== undefined) {
    const decoded = Buffer.from(basic, 'base64').toString('utf8');
    const user = decoded.includes(':') ? decoded.slice(0, decoded.indexOf(':')) : decoded;
    if (user !== '') return user;
  }
  const body = c.get('body');
  return isObject(body) && typeof body.writeKey === 'string' ? body.writeKey : undefined;
}

/** The key source of the Segment endpoints. */
export const SEGMENT_KEY: KeySource = {
  keyOf: segmentWriteKey,
  missingKeyMessage:
    'missing write key: send Authorization: Basic base64(writeKey + ":") or a "writeKey" field in the body',
};
