/**
 * `GET /v1/projects/<writeKey>/settings`: what Segment's browser SDK (analytics-next) loads
 * from its CDN before it sends anything. Pointed at this collector (`cdnURL`), it gets the
 * one integration it needs: "Segment.io", sending to this collector, and nothing to load
 * from anywhere else (no device-mode destinations, no remote plugins, no metrics beacon).
 */
import type { Context } from 'hono';
import type { ApiEnv } from '../../env.js';

/** Where browsers reach this collector: the request's own host, or the proxy's when trusted. */
export function publicHost(c: Context<ApiEnv>, trustProxy: boolean): { protocol: 'http' | 'https'; host: string } {
  const url = new URL(c.req.url);
  const first = (name: string) => c.req.header(name)?.split(',')[0]?.trim() || undefined;
  const proto = (trustProxy ? first('X-Forwarded-Proto') : undefined) ?? url.protocol.replace(':', '');
  const host = (trustProxy ? first('X-Forwarded-Host') : undefined) ?? c.req.header('Host') ?? url.host;
  return { protocol: proto === 'https' ? 'https' : 'http', host };
}

/** The settings document for `writeKey`, sending to `host` (`collector.example:8080`). */
export function segmentSettings(writeKey: string, where: { protocol: 'http' | 'https'; host: string }) {
  return {
    integrations: {
      'Segment.io': {
        apiKey: writeKey,
        apiHost: `${where.host}/v1`,
        protocol: where.protocol,
        unbundledIntegrations: [],
        addBundledMetadata: true,
        maybeBundledConfigIds: {},
      },
    },
    plan: { track: { __default: { enabled: true, integrations: {} } }, identify: { __default: { enabled: true } } },
    edgeFunction: {},
    analyticsNextEnabled: true,
    middlewareSettings: {},
    enabledMiddleware: {},
    // sampleRate 0: analytics-next would otherwise post its own usage metrics to Segment.
    metrics: { sampleRate: 0 },
    legacyVideoPluginsEnabled: false,
    remotePlugins: [],
  };
}
