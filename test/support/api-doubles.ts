/**
 * Test doubles for the API's interfaces, for HTTP-layer tests only (`app.request()`, no
 * network). The real sink (Kafka) and resolver (Postgres) are tested against real services
 * in `test/`.
 */
import { pino } from 'pino';
import { Registry } from 'prom-client';
import type { ApiDeps, EventSink, Site, SinkMessage, SiteResolver } from '../../api/deps.js';
import { SinkUnavailableError } from '../../api/deps.js';

/** What the recording sink does on `send`. */
export type SinkBehaviour = 'ok' | 'reject' | 'throw' | 'hang';

/**
 * An {@link EventSink} that records every `send` and can be told to fail: `reject` with a
 * {@link SinkUnavailableError}, `throw` synchronously, or `hang` (never settle).
 */
export class RecordingSink implements EventSink {
  readonly sends: SinkMessage[][] = [];
  behaviour: SinkBehaviour = 'ok';

  send(messages: SinkMessage[]): Promise<void> {
    switch (this.behaviour) {
      case 'throw':
        throw new Error('sink exploded synchronously');
      case 'reject':
        return Promise.reject(new SinkUnavailableError('broker not reachable'));
      case 'hang':
        return new Promise<void>(() => undefined);
      default:
        this.sends.push(messages);
        return Promise.resolve();
    }
  }

  /** All messages of all successful sends, in order. */
  get messages(): SinkMessage[] {
    return this.sends.flat();
  }
}

/** A {@link SiteResolver} over a fixed key → site table. */
export function staticSites(table: Record<string, Site>): SiteResolver & { lookups: number } {
  const resolver = {
    lookups: 0,
    async resolve(writeKey: string): Promise<Site | null> {
      resolver.lookups++;
      return Object.hasOwn(table, writeKey) ? (table[writeKey] ?? null) : null;
    },
  };
  return resolver;
}

/** The write key of {@link TEST_SITE} in {@link testDeps}. */
export const TEST_KEY = 'wk_test_0123456789';

/** A site that allows one browser origin. */
export const TEST_SITE: Site = { siteId: 'site-1', name: 'demo', allowedOrigins: ['https://shop.example'] };

/** Deps with a recording sink, one site ({@link TEST_KEY}), a silent logger and a fresh registry. */
export function testDeps(overrides: Partial<ApiDeps> = {}): ApiDeps & { sink: RecordingSink } {
  return {
    sink: new RecordingSink(),
    sites: staticSites({ [TEST_KEY]: TEST_SITE }),
    logger: pino({ level: 'silent' }),
    registry: new Registry(),
    ...overrides,
  } as ApiDeps & { sink: RecordingSink };
}
