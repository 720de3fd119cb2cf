/**
 * The app's answers of last resort: `onError` and `notFound`.
 *
 * Every deliberate answer is an {@link ApiError} and renders as
 * `{ "error": code, "message": ... }`. Anything else reaching `onError` is a bug in this
 * code or a dependency, never something a client did: it is logged with the request id and
 * answered 500, with the id so the log line can be found.
 */
import type { ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Logger } from 'pino';
import type { ApiEnv } from './env.js';
import { ApiError } from './errors.js';

/** `app.onError(createErrorHandler(logger))`. */
export function createErrorHandler(logger: Logger): ErrorHandler<ApiEnv> {
  return function onError(err, c) {
    if (err instanceof ApiError) {
      // error and message first (and never overwritten by details), then the details.
      const body = Object.assign({ error: err.code, message: err.message }, err.details, {
        error: err.code,
        message: err.message,
      });
      return c.json(body, err.status, err.headers);
    }
    if (err instanceof HTTPException && err.status < 500) {
      // Thrown by hono itself or a hono middleware: keep the status, use our body shape.
      const message = err.message || `request refused with status ${err.status}`;
      return c.json({ error: `http_${err.status}`, message }, err.status);
    }
    const requestId = c.get('requestId');
    logger.error({ err, request_id: requestId, method: c.req.method, path: c.req.path }, 'unhandled_error');
    return c.json(
      {
        error: 'internal_error',
        message: 'internal error (a bug on our side, not in your request); it was logged with this request id',
        request_id: requestId,
      },
      500,
    );
  };
}

/** 404 in the same JSON shape as every other error. */
export const notFound: NotFoundHandler<ApiEnv> = (c) =>
  c.json({ error: 'not_found', message: `no route for ${c.req.method} ${c.req.path.slice(0, 200)}` }, 404);
