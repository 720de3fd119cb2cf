/**
 * Realistic synthetic traffic for POST /events, as pure code (no I/O): visitors on several
 * sites open sessions of varying length, view pages picked by Zipf popularity, see about
 * ten impressions per click, sometimes check out with revenue; a few are bots; sessions
 * come from search, social, email and paid campaigns (referrers, UTM tags, click ids).
 * Requests look like a browser SDK's: one page's events per flush (or a fixed size),
 * `{batch, sent_at}` envelopes, and now and then a resend of the last batch with the
 * same event ids (a retry after a lost answer), which the pipeline must count once.
 */
import { createRandom, createZipf, pick, poisson, randomInt, randomUuid, weighted } from './random.js';
import {
  BOT_USER_AGENTS,
  BROWSER_USER_AGENTS,
  CURRENCIES,
  ELEMENTS,
  SOURCES,
  type Source,
  sitePaths,
} from './traffic-catalog.js';

/** A site to send for: its write key and the host its pages live on. */
export interface SiteTarget {
  key: string;
  host: string;
}

export interface TrafficOptions {
  sites: readonly SiteTarget[];
  seed?: number;
  /** Events per request. Default: SDK-like, one page's events per flush (1 to ~20). */
  batchSize?: number;
  /** Share of requests that resend an earlier request as is. Default 0.005. */
  resendRate?: number;
  /** Share of sessions from bots. Default 0.03. */
  botShare?: number;
  /** Distinct pages per site. Default 200. */
  pagesPerSite?: number;
  /** Sessions open at once, interleaved like concurrent visitors. Default 500. */
  openSessions?: number;
  /** Clock (ms since the epoch); injectable for tests. */
  now?: () => number;
}

/** One request to make. */
export interface TrafficRequest {
  site: number;
  key: string;
  userAgent: string;
  body: string;
  events: number;
  /** The event ids in the body (a resend repeats ids already sent). */
  eventIds: string[];
  resend: boolean;
}

export interface Traffic {
  next(): TrafficRequest;
}

interface WireEvent {
  type: string;
  event_id: string;
  session_id: string;
  anonymous_id: string;
  user_id?: string;
  url: string;
  referrer?: string;
  created_at: string;
  user_agent: string;
  payload: Record<string, string | number>;
}

interface Session {
  site: number;
  id: string;
  anonymousId: string;
  userId: string | undefined;
  userAgent: string;
  bot: boolean;
  source: Source;
  pagesLeft: number;
  pages: number;
  lastUrl: string | undefined;
}

/** Mean impressions per page view; a click follows an impression with CLICK_RATE. */
const IMPRESSIONS_PER_PAGE = 5;
const CLICK_RATE = 0.1;
const CHECKOUT_RATE = 0.05;
/** A browser SDK flushes at this many events even mid-page. */
const SDK_MAX_BATCH = 20;

/** Builds a traffic source; `next()` returns the next request to send. */
export function createTraffic(options: TrafficOptions): Traffic {
  if (options.sites.length === 0) throw new RangeError('traffic: at least one site is needed');
  if (options.batchSize !== undefined && !(Number.isInteger(options.batchSize) && options.batchSize > 0)) {
    throw new RangeError(`traffic: batchSize must be a positive integer, got ${options.batchSize}`);
  }
  const random = createRandom(options.seed ?? 1);
  const now = options.now ?? Date.now;
  const resendRate = options.resendRate ?? 0.005;
  const botShare = options.botShare ?? 0.03;
  const paths = sitePaths(options.pagesPerSite ?? 200);
  const zipf = createZipf(paths.length, 1.1);
  const open: Session[] = Array.from({ length: options.openSessions ?? 500 }, () => newSession());
  const pending: WireEvent[][] = options.sites.map(() => []);
  const ready: Array<{ site: number; events: WireEvent[] }> = [];
  let previous: TrafficRequest | undefined;

  function newSession(): Session {
    const bot = random() < botShare;
    // Geometric page count: ~30% bounce after one page, a long tail up to 40.
    let pages = 1;
    while (pages < 40 && random() < (bot ? 0.9 : 0.7)) pages++;
    return {
      site: Math.floor(random() * options.sites.length),
      id: `ses_${randomUuid(random).slice(0, 18)}`,
      anonymousId: `anon_${randomUuid(random).slice(0, 13)}`,
      userId: !bot && random() < 0.2 ? `user_${randomInt(random, 1, 50_000)}` : undefined,
      userAgent: bot ? pick(random, BOT_USER_AGENTS) : weighted(random, BROWSER_USER_AGENTS),
      bot,
      source: weighted(random, SOURCES),
      pagesLeft: pages,
      pages: 0,
      lastUrl: undefined,
    };
  }

  function landingQuery(source: Source): string {
    const params = new URLSearchParams(source.utm);
    if (source.clickId) params.set(source.clickId[0], `${source.clickId[1]}${randomInt(random, 1000, 9999)}`);
    const query = params.toString();
    return query === '' ? '' : `?${query}`;
  }

  /** The events of one page view of `s`, oldest first, with times in the last seconds. */
  function pageEvents(s: Session): WireEvent[] {
    const site = options.sites[s.site]!;
    const path =
      s.pagesLeft === 1 && !s.bot && s.pages >= 2 && random() < CHECKOUT_RATE * 4 ? '/checkout' : paths[zipf(random)]!;
    const url = `https://${site.host}${path}${s.pages === 0 ? landingQuery(s.source) : ''}`;
    const referrer = s.pages === 0 ? s.source.referrer : s.lastUrl;
    let t = now() - randomInt(random, 500, 5000);
    const event = (type: string, payload: Record<string, string | number>): WireEvent => {
      t += randomInt(random, 20, 400);
      const e: WireEvent = {
        type,
        event_id: randomUuid(random),
        session_id: s.id,
        anonymous_id: s.anonymousId,
        url,
        created_at: new Date(t).toISOString(),
        user_agent: s.userAgent,
        payload,
      };
      if (s.userId !== undefined) e.user_id = s.userId;
      if (referrer !== undefined) e.referrer = referrer;
      return e;
    };
    const events = [event('pageview', { event_title: `Page ${path}` })];
    for (let i = poisson(random, IMPRESSIONS_PER_PAGE); i > 0; i--) {
      const element = pick(random, ELEMENTS);
      events.push(event('impression', { element_id: element, event_title: element }));
      if (!s.bot && random() < CLICK_RATE) {
        events.push(
          event('click', {
            element_id: element,
            event_title: element,
            x: randomInt(random, 0, 1400),
            y: randomInt(random, 0, 3000),
          }),
        );
      }
    }
    if (path === '/checkout' && random() < 0.5) {
      const revenue = Math.round((5 + random() * 300) * 100) / 100;
      events.push(
        event('checkout', {
          revenue,
          currency: pick(random, CURRENCIES),
          order_id: `ord_${randomUuid(random).slice(0, 8)}`,
          items: randomInt(random, 1, 5),
        }),
      );
    }
    s.pages++;
    s.pagesLeft--;
    s.lastUrl = url;
    return events;
  }

  /** Advances a random open session by one page; replaces it when it ends. */
  function step(): { site: number; events: WireEvent[] } {
    const slot = Math.floor(random() * open.length);
    const session = open[slot]!;
    const events = pageEvents(session);
    if (session.pagesLeft <= 0) open[slot] = newSession();
    return { site: session.site, events };
  }

  /** The next request's site and events: a flushed page, or a full fixed-size batch of one site. */
  function nextEvents(): { site: number; events: WireEvent[] } {
    const queued = ready.shift();
    if (queued !== undefined) return queued;
    const size = options.batchSize ?? SDK_MAX_BATCH;
    for (;;) {
      const { site, events } = step();
      const buffer = pending[site]!;
      buffer.push(...events);
      // SDK-like: flush what the page made (in chunks of at most 20); fixed: wait for `size`.
      if (options.batchSize !== undefined && buffer.length < size) continue;
      while (buffer.length >= size || (options.batchSize === undefined && buffer.length > 0)) {
        ready.push({ site, events: buffer.splice(0, size) });
      }
      return ready.shift()!;
    }
  }

  function request(site: number, events: WireEvent[]): TrafficRequest {
    // Most SDKs send the envelope with sent_at (clock-skew correction); some a bare array.
    const body =
      random() < 0.9
        ? JSON.stringify({ batch: events, sent_at: new Date(now()).toISOString() })
        : JSON.stringify(events);
    return {
      site,
      key: options.sites[site]!.key,
      userAgent: events[0]!.user_agent,
      body,
      events: events.length,
      eventIds: events.map((e) => e.event_id),
      resend: false,
    };
  }

  return {
    next() {
      if (previous !== undefined && random() < resendRate) {
        const resent = { ...previous, resend: true };
        previous = undefined;
        return resent;
      }
      const { site, events } = nextEvents();
      previous = request(site, events);
      return previous;
    },
  };
}
