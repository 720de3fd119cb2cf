/**
 * Where a PostHog client puts its project key (our write key): the body's `api_key` (or
 * `token`), or each event's `properties.token` (posthog-js), or `?token=` / `?api_key=`.
 */
import type { Context } from 'hono';
import type { ApiEnv } from '../../env.js';
import { isObject, objectAt, stringAt } from '../compat/fields.js';
import type { KeySource } from '../compat/middleware.js';
import { eventsOf } from './map-batch.js';

/** The request's key; an event naming another key is refused later, event by event. */
export function posthogKey(c: Context<ApiEnv>): string | undefined {
  const body = c.get('body');
  const first = objectAt(eventsOf(body)?.[0]);
  return (
    (isObject(body) ? (stringAt(body.api_key) ?? stringAt(body.token)) : undefined) ??
    stringAt(objectAt(first?.properties)?.token) ??
    stringAt(first?.api_key) ??
    stringAt(c.req.query('token')) ??
    stringAt(c.req.query('api_key'))
  );
}

/** The key source of the PostHog capture endpoints. */
export const POSTHOG_KEY: KeySource = {
  keyOf: posthogKey,
  missingKeyMessage: 'missing project key: send "api_key" in the body (or properties.token in each event)',
};
