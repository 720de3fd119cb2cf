/**
 * The start-up every role shares: what it receives ({@link RoleDeps}), an HTTP listener
 * that fails with the variable to change when its port is taken, and the operations
 * endpoints (`/healthz`, `/metrics`) on an address of their own. Metrics stay off the
 * public ingest port: they describe the deployment (process, volumes, failure counts) and
 * are for the operator's Prometheus, not for the browsers that post events.
 */
import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import { Hono } from 'hono';
import type { Registry } from 'prom-client';
import type { Config, HttpServerLimits } from './config.js';
import type { Endpoints } from './endpoints.js';
import type { Logger } from './logger.js';
import { type ReadinessReport, readinessAnswer } from './readiness.js';

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

const LISTEN_BACKLOG = 4096;

/**
 * Serves `fetch` on the address; resolves once it listens. With `limits`, slow clients are
 * cut off and connections are capped: without them Node waits 300 s for a request, checks
 * only every 30 s, and a few thousand slow connections hold the server's memory and file
 * descriptors.
 * @throws "<role>: cannot listen on host:port (EADDRINUSE); set <portVariable>".
 */
export async function listen(
  fetch: (request: Request) => Response | Promise<Response>,
  { role, host, port, portVariable }: ListenAddress,
  limits?: HttpServerLimits,
): Promise<RunningServer> {
  const server = createAdaptorServer({
    fetch,
    hostname: host,
    ...(limits
      ? {
          serverOptions: {
            headersTimeout: limits.headersTimeoutMs,
            requestTimeout: limits.requestTimeoutMs,
            keepAliveTimeout: limits.keepAliveTimeoutMs,
            // How often Node looks for connections past those timeouts (default 30 s).
            connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs),
          },
        }
      : {}),
  }) as Server;
  if (limits) server.maxConnections = limits.maxConnections;
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(new Error(`${role}: cannot listen on ${host}:${port} (${error.code}); set ${portVariable}`)),
    );
    // A longer accept queue than Node's 511 (the kernel caps it at net.core.somaxconn):
    // clients returning together after an outage open hundreds of connections in a second,
    // and a connection the queue drops is retried by the client's TCP only 1, 3, 7, 15 s later.
    server.listen({ port, host, ...(limits ? { backlog: LISTEN_BACKLOG } : {}) });
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
  /** `/readyz`: 200 when the report says ready, 503 naming what is not; absent, no such route. */
  readiness?: () => ReadinessReport;
  /** `/metrics` serves this registry in the Prometheus text format. */
  registry: Registry;
  /** Runs before each scrape, to set gauges that are computed on demand. */
  beforeScrape?: () => void;
}

/** The `/healthz`, `/readyz` and `/metrics` routes. */
export function opsRoutes({ isHealthy, readiness, registry, beforeScrape }: OpsEndpoints): Hono {
  const app = new Hono();
  app.get('/healthz', (c) => (isHealthy() ? c.json({ status: 'ok' }) : c.json({ status: 'unhealthy' }, 503)));
  if (readiness) {
    app.get('/readyz', (c) => {
      const { status, body } = readinessAnswer(readiness());
      return c.json(body, status);
    });
  }
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
