import { afterEach, describe, expect, it, vi } from 'vitest';
import { createIds, SESSION_IDLE_MS, uuid } from './ids';
import { createStore } from './storage';

function memoryStorage(): Storage {
  const m = new Map<string, string>();
  return {
    get length() {
      return m.size;
    },
    clear: () => m.clear(),
    getItem: (k) => m.get(k) ?? null,
    key: (i) => [...m.keys()][i] ?? null,
    removeItem: (k) => void m.delete(k),
    setItem: (k, v) => void m.set(k, v),
  };
}

afterEach(() => vi.useRealTimers());

describe('createStore', () => {
  it('keeps values in memory only until persist(true)', () => {
    const ls = memoryStorage();
    const store = createStore(ls);
    store.set('a', 'anon-1');
    expect(ls.length).toBe(0);
    expect(store.get('a')).toBe('anon-1');
    store.persist(true);
    expect(ls.getItem('cs_a')).toBe('"anon-1"');
  });

  it("persist(true) keeps an earlier visit's ids over ones made in memory meanwhile", () => {
    const ls = memoryStorage();
    ls.setItem('cs_a', '"returning"');
    const store = createStore(ls);
    store.set('a', 'made-while-pending');
    store.persist(true);
    expect(store.get('a')).toBe('returning');
  });

  it('persist(false) deletes every key, also when storage was never in use', () => {
    const ls = memoryStorage();
    for (const k of ['cs_a', 'cs_u', 'cs_s', 'cs_q']) ls.setItem(k, '1');
    ls.setItem('other', 'site data');
    createStore(ls).persist(false);
    expect(ls.length).toBe(1);
  });

  it('survives a localStorage that throws (sandboxed iframe, full quota) and corrupt values', () => {
    const broken = memoryStorage();
    broken.setItem('cs_q', 'not json');
    broken.setItem = () => {
      throw new Error('QuotaExceededError');
    };
    const store = createStore(broken);
    store.persist(true);
    store.set('a', 'x');
    expect(store.get('a')).toBe('x');
    expect(store.get('q')).toBeUndefined();
  });
});

describe('ids', () => {
  it('uuid() is a v4 UUID, also without crypto.randomUUID (insecure context)', () => {
    const v4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    expect(uuid()).toMatch(v4);
    vi.stubGlobal('crypto', { getRandomValues: crypto.getRandomValues.bind(crypto) });
    try {
      const made = Array.from({ length: 200 }, uuid);
      for (const id of made) expect(id).toMatch(v4);
      expect(new Set(made).size).toBe(200);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it(`a session ends after ${SESSION_IDLE_MS / 60_000} minutes without an event`, () => {
    vi.useFakeTimers();
    const ids = createIds(createStore(memoryStorage()));
    const first = ids.session();
    vi.advanceTimersByTime(SESSION_IDLE_MS - 1);
    expect(ids.session()).toBe(first); // and this event extends it
    vi.advanceTimersByTime(SESSION_IDLE_MS - 1);
    expect(ids.session()).toBe(first);
    vi.advanceTimersByTime(SESSION_IDLE_MS);
    expect(ids.session()).not.toBe(first);
  });

  it('the anonymous id is made once and kept', () => {
    const ids = createIds(createStore(memoryStorage()));
    expect(ids.anonymous()).toBe(ids.anonymous());
    expect(ids.user()).toBeUndefined();
  });
});
