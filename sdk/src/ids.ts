/**
 * Event, anonymous and session ids. `crypto.randomUUID` exists only in secure contexts
 * (https, localhost) and recent browsers; elsewhere a v4 UUID is built from
 * `crypto.getRandomValues`, which every browser of the last decade has.
 */
import type { Store } from './storage';

/** A session ends after this long without an event (the usual web analytics rule). */
export const SESSION_IDLE_MS = 30 * 60 * 1000;

/** A random (v4) UUID. */
export function uuid(): string {
  if (crypto.randomUUID) return crypto.randomUUID();
  // Each 0, 1 or 8 of the template becomes a random hex digit; 4 (the version) stays, and
  // 8 keeps its top bits (the variant): a valid v4 UUID in few bytes.
  return '10000000-1000-4000-8000-100000000000'.replace(/[018]/g, (c) =>
    (+c ^ (crypto.getRandomValues(new Uint8Array(1))[0]! & (15 >> (+c / 4)))).toString(16),
  );
}

/** The ids every event carries, kept in `store`. */
export interface Ids {
  anonymous(): string;
  user(): string | undefined;
  /** The current session id, extended to now; a new one after {@link SESSION_IDLE_MS} idle. */
  session(): string;
}

/** Ids read from and written to `store` (keys `a`, `u`, `s`). */
export function createIds(store: Store): Ids {
  return {
    anonymous() {
      let id = store.get<string>('a');
      if (!id) {
        id = uuid();
        store.set('a', id);
      }
      return id;
    },
    user: () => store.get<string>('u'),
    session() {
      const now = Date.now();
      let s = store.get<[string, number]>('s');
      if (!s || !(now - s[1] < SESSION_IDLE_MS)) s = [uuid(), now];
      s[1] = now;
      store.set('s', s);
      return s[0];
    },
  };
}
