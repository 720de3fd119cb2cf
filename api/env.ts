/**
 * The Hono environment of the API: what middleware puts on the context for later steps.
 *
 * A typed `Env` generic rather than hono's global `ContextVariableMap` augmentation, so these
 * variables do not leak into other Hono apps in the same program.
 */
import type { Site } from './deps.js';

/** Context variables, set in middleware order (request id first, body last). */
export interface ApiVariables {
  /** Set by `requestId()`: echoed in `X-Request-Id` and in every log line and message. */
  requestId: string;
  /** Set by `clientIp()`: the socket address, or `X-Forwarded-For` behind a trusted proxy. */
  clientIp: string;
  /** Set by `writeKey()`. Absent only on a CORS preflight that carried no key. */
  site?: Site;
  /** Set by `jsonBody()`: the parsed JSON body (any JSON value, not yet validated). */
  body?: unknown;
}

/**
 * Bindings as `@hono/node-server` passes them (`c.env.incoming` is the Node request, a
 * Readable). Optional: `app.request()` in tests passes none, or a fake `{ incoming: { socket } }`.
 */
export interface ApiBindings {
  incoming?: { socket?: { remoteAddress?: string | undefined } | undefined };
}

/** The `Env` generic for `new Hono<ApiEnv>()` and `MiddlewareHandler<ApiEnv>`. */
export interface ApiEnv {
  Variables: ApiVariables;
  Bindings: ApiBindings;
}
