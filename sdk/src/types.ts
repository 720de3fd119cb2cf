/** Types shared by the SDK's modules and its public API (no runtime code). */

/** One event as `POST /events` takes it. */
export interface CsEvent {
  type: string;
  /** Made once when the event is made: a retry re-sends the same id, so the warehouse counts it once. */
  event_id: string;
  session_id: string;
  anonymous_id: string;
  user_id?: string;
  url: string;
  referrer?: string;
  created_at: string;
  payload?: Record<string, unknown>;
}

/** Consent as a site's consent banner reports it. */
export type Consent = 'pending' | 'granted' | 'denied';

/** What {@link init} takes; the script tag's `data-*` attributes map onto it. */
export interface Options {
  /** The site's write key (`csk_...`). */
  writeKey: string;
  /** The collector's base URL (or its `/events` URL). Default: the page's own origin. */
  endpoint?: string;
  /** `'pending'` holds every event in memory until `consent('granted')`. Default `'granted'`. */
  consent?: Consent;
  /** Honour Do-Not-Track and Global Privacy Control (send nothing at all). Default true. */
  respectDnt?: boolean;
}

/** The SDK's API: `window.clickstream`, and what {@link init} returns. */
export interface Clickstream {
  /** Queue a custom event (`checkout`, `signup`, ...) with free properties. */
  track(type: string, payload?: Record<string, unknown>): void;
  /** Link this visitor to a user id; later events carry it. */
  identify(userId: string | number): void;
  /** Forget the user id and the anonymous id (a logout); a new session starts. */
  reset(): void;
  /** Report the visitor's consent: `'granted'` starts sending, `'denied'` drops the queue and clears storage. */
  consent(value: Consent): void;
  /** Send the queue now; resolves when this send attempt is over. */
  flush(): Promise<void>;
  /** Record a pageview by hand (pageviews on load and SPA navigation are automatic). */
  page(): void;
}
