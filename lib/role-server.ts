/**
 * The start-up every role shares: what it receives ({@link RoleDeps}), an HTTP listener
 * that fails with the variable to change when its port is taken, and the operations
 * endpoints (`/healthz`, `/metrics`) on an address of their own. Metrics stay off the
 * public ingest port: they describe the deployment (process, volumes, failure counts) and
 * are for the operator's Prometheus, not for the browsers that post events.
 */
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { Registry } from 'prom-client';
import type { Config } from './config.js';
import type { Endpoints } from './endpoints.js';
import type { Logger } from './logger.js';

/** What each role's start function receives. */
export interface RoleDeps {
  config: Config;
  endpoints: Endpoints;
  logger: Logger;
}

/** Where a server listens, and what to tell the user when it cannot. */
export interface ListenAddress {
  /** The role, for the error message ("api: cannot listen ..."). */
  role: string;
  host: string;
  port: number;
  /** The variable that sets `port`, named in the error (e.g. API_PORT). */
  portVariable: string;
}

export interface RunningServer {
  /** `http://host:port` */
  url: string;
  /** Stops accepting, lets in-flight requests finish, drops idle keep-alive sockets. */
  close(): Promise<void>;
}

/**
 * Serves `fetch` on the address; resolves once it listens.
 * @throws "<role>: cannot listen on host:port (EADDRINUSE); set <portVariable>".
 */
export async function listen(
  fetch: (request: Request) => Response | Promise<Response>,
  { role, host, port, portVariable }: ListenAddress,
): Promise<RunningServer> {
  const server = serve({ fetch, hostname: host, port }) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(new Error(`${role}: cannot listen on ${host}:${port} (${error.code}); set ${portVariable}`)),
    );
  });
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive sockets would hold close() open; idle ones can go now.
        server.closeIdleConnections();
      }),
  };
}

/** What the operations endpoints report. */
export interface OpsEndpoints {
  /** `/healthz` answers 200 while this is true, 503 otherwise. */
  isHealthy: () => boolean;
  /** `/metrics` serves this registry in the Prometheus text format. */
  registry: Registry;
  /** Runs before each scrape, to set gauges that are computed on demand. */
  beforeScrape?: () => void;
}

/** The `/healthz` and `/metrics` routes. */
export function opsRoutes({ isHealthy, registry, beforeScrape }: OpsEndpoints): Hono {
  const app = new Hono();
  app.get('/healthz', (c) => (isHealthy() ? c.json({ status: 'ok' }) : c.json({ status: 'unhealthy' }, 503)));
  app.get('/metrics', async (c) => {
    beforeScrape?.();
    return c.text(await registry.metrics(), 200, { 'Content-Type': registry.contentType });
  });
  return app;
}

/** Serves {@link opsRoutes} on their own address. */
export function startOpsServer(address: ListenAddress, endpoints: OpsEndpoints): Promise<RunningServer> {
  return listen(opsRoutes(endpoints).fetch, address);
}
