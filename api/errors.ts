/**
 * The one error type the API throws for answers it means to give (4xx, and 503).
 *
 * It is a hono `HTTPException`, as hono's own middleware throw, plus a stable machine code
 * so clients branch on `error`, never on the wording of `message`.
 */
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** Options beyond status, code and message. */
export interface ApiErrorOptions {
  /** Response headers, e.g. `Retry-After`. */
  headers?: Record<string, string>;
  /** Extra fields merged into the JSON body (e.g. the per-event `rejected` list). */
  details?: Record<string, unknown>;
  cause?: unknown;
}

/**
 * A deliberate error answer. The app's `onError` renders it as
 * `{ "error": code, "message": message, ...details }` with `status` and `headers`.
 *
 * @example throw new ApiError(401, 'unknown_write_key', 'the write key is unknown or revoked')
 */
export class ApiError extends HTTPException {
  readonly code: string;
  readonly headers: Record<string, string>;
  readonly details: Record<string, unknown>;

  constructor(status: ContentfulStatusCode, code: string, message: string, options: ApiErrorOptions = {}) {
    super(status, { message, cause: options.cause });
    this.name = 'ApiError';
    this.code = code;
    this.headers = options.headers ?? {};
    this.details = options.details ?? {};
  }
}
