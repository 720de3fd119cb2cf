/**
 * The SDK put together: one client per page, from {@link Options}. `window.clickstream`
 * (global.ts) and `init()` (index.ts) both return what {@link createClient} makes.
 */
import { trackClicks } from './clicks';
import { beacon, post } from './delivery';
import { elementId } from './element-id';
import { createIds } from './ids';
import { uuid } from './ids';
import { trackImpressions } from './impressions';
import { trackPageviews } from './pageviews';
import { privacySignal } from './privacy';
import { createQueue } from './queue';
import { createStore } from './storage';
import type { Clickstream, Consent, CsEvent, Options } from './types';

/** The collector's limit on `url` and `referrer`. */
const URL_MAX = 2048;

/** `https://collector.example` (or `.../events`) → its `/events?key=` URL. */
export function eventsUrl(endpoint: string, writeKey: string): string {
  return `${endpoint.replace(/(\/events)?\/*$/, '/events')}?key=${encodeURIComponent(writeKey)}`;
}

/**
 * Starts tracking. Under Do-Not-Track or Global Privacy Control (unless `respectDnt` is
 * false), or without a write key, the client is off for good: no event is made, sent or
 * stored, and `consent()` cannot turn it on.
 */
export function createClient(options: Options): Clickstream {
  if (!options.writeKey) console.warn('clickstream: no write key');
  const off = !options.writeKey || (options.respectDnt !== false && privacySignal());
  const url = eventsUrl(options.endpoint || location.origin, options.writeKey);
  let consent: Consent = off ? 'denied' : options.consent || 'granted';
  const granted = () => consent === 'granted';
  const store = createStore();
  const ids = createIds(store);
  const queue = createQueue({
    post: (batch) => post(url, batch),
    beacon: (batch) => beacon(url, batch),
    store,
    canSend: granted,
    online: () => navigator.onLine,
  });
  const adoptOutbox = () => {
    store.persist(true);
    queue.load(store.get<CsEvent[]>('q') ?? []);
  };
  if (granted()) adoptOutbox();
  // Denied from the start (or DNT): what an earlier visit stored goes too.
  else if (consent === 'denied') store.persist(false);

  let previous = '';
  const emit = (type: string, payload?: Record<string, unknown>, extra?: Partial<CsEvent>) => {
    if (consent === 'denied') return;
    queue.push({
      type,
      event_id: uuid(),
      session_id: ids.session(),
      anonymous_id: ids.anonymous(),
      user_id: ids.user(),
      url: location.href.slice(0, URL_MAX),
      created_at: new Date().toISOString(),
      payload,
      ...extra,
    });
  };

  const impressions = trackImpressions((el) => emit('impression', { element_id: elementId(el) }));
  const page = () => {
    impressions.reset();
    // After an SPA navigation the page before is the referrer, as on a full page load.
    emit('pageview', undefined, { referrer: (previous || document.referrer).slice(0, URL_MAX) });
    previous = location.href;
  };
  trackClicks((p) => emit('click', p));
  trackPageviews(page);

  document.addEventListener('visibilitychange', () => document.hidden && queue.exit());
  addEventListener('pagehide', queue.exit);
  addEventListener('online', queue.online);

  return {
    track: (type, payload) => emit(type, payload),
    identify(userId) {
      const id = String(userId);
      if (id === ids.user()) return;
      store.set('u', id);
      emit('identify', undefined, { user_id: id });
    },
    reset: () => ['u', 'a', 's'].forEach(store.del),
    consent(value) {
      if (off) return;
      consent = value;
      if (value === 'granted') {
        adoptOutbox();
        // Events held while pending were stamped with in-memory ids: give them the
        // stored ones (a returning visitor's), so one visitor stays one visitor.
        queue.each((e) => {
          e.anonymous_id = ids.anonymous();
          e.session_id = ids.session();
        });
        queue.flush();
      } else if (value === 'denied') {
        queue.clear();
        store.persist(false);
      }
    },
    flush: queue.flush,
    page,
  };
}
