/**
 * Test doubles for the API's interfaces, for HTTP-layer tests only (`app.request()`, no
 * network). The real sink (Kafka) and resolver (Postgres) are tested against real services
 * in `test/`.
 */
import { pino } from 'pino';
import { Registry } from 'prom-client';
import type { ApiDeps, EventSink, Site, SiteResolver } from '../../api/deps.js';
import { SinkUnavailableError } from '../../api/deps.js';
import { staticSalts } from '../../api/salt-cache.js';
import { assembleRecord, parseRawRecord, type RecordEvent, type RecordFacts } from '../../lib/wire/index.js';

/** What the recording sink does on `send`. */
export type SinkBehaviour = 'ok' | 'reject' | 'throw' | 'hang';

/**
 * An {@link EventSink} that records every `send` and can be told to fail: `reject` with a
 * {@link SinkUnavailableError}, `throw` synchronously, or `hang` (never settle).
 */
export class RecordingSink implements EventSink {
  readonly sends: string[][] = [];
  behaviour: SinkBehaviour = 'ok';

  send(parts: string[]): Promise<void> {
    switch (this.behaviour) {
      case 'throw':
        throw new Error('sink exploded synchronously');
      case 'reject':
        return Promise.reject(new SinkUnavailableError('broker not reachable'));
      case 'hang':
        return new Promise<void>(() => undefined);
      default:
        this.sends.push(parts);
        return Promise.resolve();
    }
  }

  /** Every event of all successful sends, in order, each with its request's facts, read back with the consumer's parser. */
  get events(): Array<{ event: RecordEvent; facts: RecordFacts }> {
    return this.sends.flatMap((parts) => {
      const parsed = parseRawRecord(Buffer.from(assembleRecord(parts)));
      if (!parsed.ok) throw new Error(parsed.reason.detail);
      return parsed.record.requests.flatMap(({ facts, events }) => events.map((event) => ({ event, facts })));
    });
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
    salts: staticSalts('test-salt'),
    logger: pino({ level: 'silent' }),
    registry: new Registry(),
    ...overrides,
  } as ApiDeps & { sink: RecordingSink };
}
