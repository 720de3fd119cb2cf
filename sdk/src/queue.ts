/**
 * The event queue: batching, one request in flight, retries, the page-exit beacon and the
 * localStorage outbox. Nothing leaves it without an answer from the collector that says
 * what to do (2xx: sent, 413: split, 429/5xx/network: retry, other 4xx: drop with one
 * warning), and an event keeps its `event_id` through every retry and every page.
 */
import { MAX_TRIES, retryDelay } from './backoff';
import type { Store } from './storage';
import type { CsEvent } from './types';

/** A batch is sent when it has this many events... */
export const BATCH_EVENTS = 20;
/** ...or when its first event is this old. */
export const BATCH_MS = 2000;
/** The collector's cap on events per request. */
export const MAX_EVENTS = 500;
/** Events kept in the localStorage outbox, newest first. */
export const OUTBOX_MAX = 500;

/** The part of a fetch `Response` the queue reads. */
export interface Answer {
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}

/** What {@link createQueue} needs. */
export interface QueueDeps {
  /** POSTs a batch; resolves undefined on a network error. */
  post(batch: CsEvent[]): Promise<Answer | undefined>;
  /** Hands `batch` to `navigator.sendBeacon`; returns how many events, from the start, it took. */
  beacon(batch: CsEvent[]): number;
  /** Key `q` holds the outbox, shared by the site's tabs. */
  store: Store;
  /** False while consent is pending or denied. */
  canSend(): boolean;
  online(): boolean;
}

/** The queue's operations, used by the client. */
export interface Queue {
  push(event: CsEvent): void;
  /** Send now, even during a backoff wait. */
  flush(): Promise<void>;
  /** The page is hidden or going away: beacon what fits, keep the rest in the outbox. */
  exit(): void;
  /** The browser is back online: retry at once. */
  online(): void;
  /** Take events another page left in the outbox. */
  load(events: CsEvent[]): void;
  /** Visit every queued event (to re-stamp ids when consent arrives). */
  each(f: (event: CsEvent) => void): void;
  /** Forget every queued event (consent denied). */
  clear(): void;
}

/** A queue over `deps`; see {@link QueueDeps}. */
export function createQueue(deps: QueueDeps): Queue {
  let q: CsEvent[] = [];
  let inflight: CsEvent[] = [];
  // Ids this page has queued: outbox entries that are not ours belong to other tabs.
  const mine = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  // Backing off or parked: only the retry timer, `online`, flush() or the next page send.
  let waiting = false;
  let tries = 0;
  let limit = MAX_EVENTS;
  let stored = false;
  let warned = false;
  let busy: Promise<void> | undefined;

  const later = (ms: number) => {
    timer ??= setTimeout(() => {
      timer = undefined;
      waiting = false;
      drain();
    }, ms);
  };
  const now = () => {
    clearTimeout(timer);
    timer = undefined;
    waiting = false;
    return drain();
  };

  // The outbox holds every event of ours not yet confirmed, next to other tabs' events.
  const save = (extra: CsEvent[] = []) => {
    if (!deps.canSend()) return;
    const others = (deps.store.get<CsEvent[]>('q') ?? []).filter((e) => !mine.has(e.event_id));
    const ours = extra.concat(inflight, q);
    const all = others.concat(ours).slice(-OUTBOX_MAX);
    if (all.length) deps.store.set('q', all);
    else deps.store.del('q');
    stored = ours.length > 0;
  };

  const drain = (): Promise<void> => (busy ??= send().finally(() => (busy = undefined)));

  async function send(): Promise<void> {
    while (q.length && deps.canSend() && !waiting) {
      const batch = q.splice(0, limit);
      inflight = batch;
      const answer = await deps.post(batch);
      inflight = [];
      const status = answer?.status ?? 0;
      if (status >= 200 && status < 300) {
        tries = 0;
      } else if (status === 413 && batch.length > 1) {
        // Too many bytes for one request: halve until it fits (and stay there).
        limit = Math.ceil(batch.length / 2);
        q = batch.concat(q);
      } else if (!status || status === 429 || status >= 500) {
        q = batch.concat(q);
        save();
        waiting = true;
        // Offline or out of tries: parked in memory and the outbox until `online`, a
        // flush() or the next page, so nothing is lost and no request loops.
        if (deps.online() && ++tries < MAX_TRIES) later(retryDelay(tries, answer?.headers.get('Retry-After') ?? null));
        return;
      } else if (!warned) {
        // 400/401/403...: resending cannot help. Say why once, not once per batch.
        warned = true;
        console.warn(`clickstream: ${status} ${await answer!.text().catch(() => '')}`);
      }
    }
    if (stored) save();
  }

  return {
    push(event) {
      mine.add(event.event_id);
      q.push(event);
      if (!deps.canSend() || waiting) return;
      if (q.length >= BATCH_EVENTS) now();
      else later(BATCH_MS);
    },
    flush: now,
    exit() {
      let sent: CsEvent[] = [];
      if (deps.canSend() && deps.online()) sent = q.splice(0, deps.beacon(q));
      // A beacon has no answer: after failures, keep its events in the outbox too (a
      // resend carries the same ids, so it counts once).
      save(waiting ? sent : []);
    },
    online() {
      tries = 0;
      now();
    },
    load(events) {
      for (const e of events) {
        if (e && !mine.has(e.event_id)) {
          mine.add(e.event_id);
          q.push(e);
          // Once sent, they must leave the outbox too.
          stored = true;
        }
      }
      if (q.length && deps.canSend()) later(0);
    },
    each: (f) => q.forEach(f),
    clear() {
      q = [];
    },
  };
}
