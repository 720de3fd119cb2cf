/**
 * Request id middleware: every request gets an id, echoed in `X-Request-Id`, logged, and
 * written into each Kafka message, so one event can be traced from the client's response
 * to the log line and the row.
 */
import type { MiddlewareHandler } from 'hono';
import type { ApiEnv } from '../../env.js';

/** Options of {@link requestId}. */
export interface RequestIdOptions {
  /** Header read from the client (a proxy's id is kept) and set on the answer. */
  headerName?: string;
  /** Longest incoming id kept; longer ones are replaced. */
  limitLength?: number;
  generator?: () => string;
}

// Only ids that are safe to echo into a header and a log line are kept.
const SAFE_ID = /^[\w\-=.:]+$/;

/**
 * Sets `c.var.requestId`: the incoming `X-Request-Id` when it is short and made of safe
 * characters (so a load balancer's id carries through), a fresh UUID otherwise.
 */
export function requestId({
  headerName = 'X-Request-Id',
  limitLength = 128,
  generator = () => crypto.randomUUID(),
}: RequestIdOptions = {}): MiddlewareHandler<ApiEnv> {
  return async function requestId(c, next) {
    let id = c.req.header(headerName);
    if (id === undefined || id.length > limitLength || !SAFE_ID.test(id)) id = generator();
    c.set('requestId', id);
    c.header(headerName, id);
    await next();
  };
}
