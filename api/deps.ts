/**
 * What the HTTP layer needs from the outside world, as interfaces.
 *
 * The API never builds a Kafka producer, a Postgres pool or a logger itself: `role.ts`
 * (and the tests) construct real or fake implementations and hand them to `createApp`.
 * That keeps this folder testable with `app.request()` and no network.
 */
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { ReadinessReport } from '../lib/readiness.js';
import type { ApiLimitsOverrides } from './limits.js';
import type { SaltSource } from './salt-cache.js';
import type { SdkScript } from './sdk-script.js';

/**
 * Where accepted events go (the real one is a kafkajs producer with `acks: -1`).
 *
 * Contract: `send` resolves only once every part is durable. The API calls it once per
 * request with that request's encoded v2 request parts (lib/wire: usually one part holding
 * all its events); the sink decides how parts become records.
 */
/** Why a request may not be taken now (the sink is down or full, or the API is behind), or null when it may. */
export type Refusal = { code: 'sink_down' | 'sink_busy' | 'overloaded'; message: string } | null;

export interface EventSink {
  send(parts: string[]): Promise<void>;
}

/**
 * Thrown (rejected) by an {@link EventSink} when the broker cannot take the write right now:
 * not connected, no leader, request timed out. The API maps it (and in fact any sink
 * error) to `503` + `Retry-After`: none of them is the client's fault.
 */
export class SinkUnavailableError extends Error {
  override readonly name: string = 'SinkUnavailableError';

  constructor(message = 'event sink unavailable', options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A site as the API sees it once its write key is resolved. */
export interface Site {
  siteId: string;
  name: string;
  /**
   * Origins (`scheme://host[:port]`) whose browsers may post for this site. `'*'` allows
   * any origin. Requests without an `Origin` header (server-to-server) are always allowed.
   */
  allowedOrigins: string[];
  /** IANA zone the site counts its days in (absent: UTC); decides the visitor salt's day. */
  timezone?: string;
}

/**
 * Write key → site. The real one reads Postgres (keys stored hashed) behind a short-lived
 * cache so revocations are seen within seconds.
 *
 * Resolves `null` for an unknown or revoked key; rejects only when the lookup itself
 * failed (the API then answers 503, not 401, since the key may well be valid).
 */
export interface SiteResolver {
  resolve(writeKey: string): Promise<Site | null>;
}

/** Everything `createApp` needs. Only `sink`, `sites`, `salts`, `logger` and `registry` are required. */
export interface ApiDeps {
  sink: EventSink;
  sites: SiteResolver;
  /** Visitor salts: the API hashes the client IP into the visitor hash, so no record holds the IP. */
  salts: SaltSource;
  logger: Logger;
  /** Metrics are registered here; the api role serves this registry on its own metrics address. */
  registry: Registry;
  /** `/readyz`: 200 when the report says ready, else 503 naming the failing dependency. */
  readiness?: () => Promise<ReadinessReport>;
  /**
   * Whether the sink takes new work (`SinkGuard.admission`); when it refuses, POST /events
   * answers 503 before its body is read. Absent: every request goes to the sink.
   */
  sinkAdmission?: () => Refusal;
  /** Seconds the sink has been unavailable (0 while up): lengthens `Retry-After` with the outage. */
  sinkOutageSeconds?: () => number;
  /** Overrides of the limits in limits.ts; nested `rateLimit` objects are merged too. */
  limits?: ApiLimitsOverrides;
  /**
   * Honour `X-Forwarded-For` for the client IP. Only set this behind a proxy that
   * overwrites the header, otherwise any client can pick its IP (and dodge the per-IP
   * rate limit).
   */
  trustProxy?: boolean;
  /** The browser SDK served at `GET /sdk.js` (from `buildSdkScript()`); absent, no such route. */
  sdkScript?: SdkScript;
  /** The demo shop served at `GET /demo` (from `loadDemoPage()`); only `clickstream start` has one. */
  demoPage?: string;
  /** Milliseconds since the epoch; injectable so tests control time. */
  now?: () => number;
}
