/**
 * Where the SDK keeps its state: always in memory, and in `localStorage` only while
 * consent allows it (no cookies, ever). Reads prefer localStorage, so tabs of one site
 * share the anonymous id and the session. Every localStorage access is guarded: it throws
 * in sandboxed iframes, in some private modes, and when the quota is full.
 */

const PREFIX = 'cs_';
/** Every key the SDK writes: anonymous id, user id, session, unsent queue. */
const KEYS = ['a', 'u', 's', 'q'];

/** The SDK's key-value store. */
export interface Store {
  get<T>(key: string): T | undefined;
  set(key: string, value: unknown): void;
  del(key: string): void;
  /**
   * Start (true) or stop (false) using localStorage. Starting keeps what an earlier visit
   * stored (a returning visitor keeps their ids) and writes what is only in memory;
   * stopping deletes every key the SDK writes.
   */
  persist(on: boolean): void;
}

/** A store over `ls` (memory only when the browser refuses localStorage). */
export function createStore(ls?: Storage): Store {
  const mem: Record<string, unknown> = {};
  let on = false;
  const io = (f: (s: Storage) => unknown) => {
    try {
      if (on) return f(ls ?? localStorage);
    } catch {}
  };
  return {
    get: (key) => (io((s) => JSON.parse(s.getItem(PREFIX + key)!)) ?? mem[key]) as never,
    set(key, value) {
      mem[key] = value;
      io((s) => s.setItem(PREFIX + key, JSON.stringify(value)));
    },
    del(key) {
      delete mem[key];
      io((s) => s.removeItem(PREFIX + key));
    },
    persist(value) {
      // Clearing must reach localStorage even when it was never in use (pending → denied).
      on = true;
      io((s) => {
        for (const k of KEYS) {
          if (!value) s.removeItem(PREFIX + k);
          else if (mem[k] !== undefined && s.getItem(PREFIX + k) === null)
            s.setItem(PREFIX + k, JSON.stringify(mem[k]));
        }
      });
      on = value;
    },
  };
}
