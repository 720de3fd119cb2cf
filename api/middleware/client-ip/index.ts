/**
 * Client IP middleware: decides once which address the request comes from, for the
 * per-IP rate limit and the `ip` server fact of each message.
 */
import { isIP } from 'node:net';
import type { MiddlewareHandler } from 'hono';
import type { ApiEnv } from '../../env.js';

/** Options of {@link clientIp}. */
export interface ClientIpOptions {
  /**
   * Use the first (left-most) address of `X-Forwarded-For`, as Express does with
   * `trust proxy = true`. Only safe behind a proxy that sets the header itself; otherwise a
   * client could claim any IP.
   */
  trustProxy?: boolean;
  /** Used when no address is known (e.g. `app.request()` without bindings). */
  fallback?: string;
}

/**
 * Sets `c.var.clientIp`: the socket's remote address as `@hono/node-server` passes it
 * (`c.env.incoming.socket`), or the forwarded one when `trustProxy` is set and it is a
 * valid IP. IPv4-mapped IPv6 (`::ffff:1.2.3.4`) is reported as plain IPv4.
 */
export function clientIp({
  trustProxy = false,
  fallback = 'unknown',
}: ClientIpOptions = {}): MiddlewareHandler<ApiEnv> {
  return async function clientIp(c, next) {
    let ip: string | undefined;
    if (trustProxy) {
      const first = c.req.header('X-Forwarded-For')?.split(',')[0]?.trim();
      if (first && isIP(first)) ip = first;
    }
    // c.env is undefined under app.request() without bindings; read defensively.
    ip ??= (c.env as ApiEnv['Bindings'] | undefined)?.incoming?.socket?.remoteAddress;
    c.set('clientIp', ip ? normalize(ip) : fallback);
    await next();
  };
}

function normalize(ip: string): string {
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return v4?.[1] ?? ip.toLowerCase();
}
