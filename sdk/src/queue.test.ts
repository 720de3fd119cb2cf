import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_TRIES } from './backoff';
import { type Answer, BATCH_EVENTS, BATCH_MS, createQueue, MAX_EVENTS, OUTBOX_MAX, type QueueDeps } from './queue';
import { createStore } from './storage';
import type { CsEvent } from './types';

let n = 0;
const event = (type = 'click'): CsEvent => ({
  type,
  event_id: `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
  session_id: 's',
  anonymous_id: 'a',
  url: 'https://shop.example/',
  created_at: new Date(0).toISOString(),
});
const answer = (status: number, headers: Record<string, string> = {}): Answer =>
  new Response('refused', { status, headers });

/** A queue whose collector answers from `answers` (then 202), recording every batch. */
function setup(answers: Array<Answer | undefined> = [], over: Partial<QueueDeps> = {}) {
  const sent: CsEvent[][] = [];
  const beaconed: CsEvent[][] = [];
  const store = createStore(new MemoryStorage());
  store.persist(true);
  let online = true;
  let consent = true;
  const deps: QueueDeps = {
    async post(batch) {
      sent.push([...batch]);
      return answers.length ? answers.shift() : answer(202);
    },
    beacon(batch) {
      beaconed.push([...batch]);
      return batch.length;
    },
    store,
    canSend: () => consent,
    online: () => online,
    ...over,
  };
  const queue = createQueue(deps);
  return {
    queue,
    sent,
    beaconed,
    store,
    offline: (value: boolean) => {
      online = !value;
    },
    setConsent: (value: boolean) => {
      consent = value;
    },
  };
}

class MemoryStorage implements Storage {
  private m = new Map<string, string>();
  get length() {
    return this.m.size;
  }
  clear() {
    this.m.clear();
  }
  getItem(k: string) {
    return this.m.get(k) ?? null;
  }
  key(i: number) {
    return [...this.m.keys()][i] ?? null;
  }
  removeItem(k: string) {
    this.m.delete(k);
  }
  setItem(k: string, v: string) {
    this.m.set(k, v);
  }
}

const ids = (batch: CsEvent[] | undefined) => (batch ?? []).map((e) => e.event_id);

beforeEach(() => {
  vi.useFakeTimers();
  vi.spyOn(console, 'warn').mockImplementation(() => {});
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('createQueue', () => {
  it(`sends a batch when it reaches ${BATCH_EVENTS} events, at once`, async () => {
    const { queue, sent } = setup();
    for (let i = 0; i < BATCH_EVENTS - 1; i++) queue.push(event());
    expect(sent).toHaveLength(0);
    queue.push(event());
    await vi.advanceTimersByTimeAsync(0);
    expect(sent.map((b) => b.length)).toEqual([BATCH_EVENTS]);
  });

  it(`sends a smaller batch ${BATCH_MS} ms after its first event`, async () => {
    const { queue, sent } = setup();
    queue.push(event());
    await vi.advanceTimersByTimeAsync(BATCH_MS - 10);
    queue.push(event());
    expect(sent).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(10);
    expect(sent.map((b) => b.length)).toEqual([2]);
  });

  it(`never puts more than ${MAX_EVENTS} events in one request`, async () => {
    const { queue, sent, setConsent } = setup();
    setConsent(false);
    for (let i = 0; i < 1200; i++) queue.push(event());
    setConsent(true);
    await queue.flush();
    expect(sent.map((b) => b.length)).toEqual([500, 500, 200]);
  });

  it('413: halves the batch until it fits, keeping order and ids', async () => {
    const { queue, sent, setConsent } = setup([answer(413), answer(413)]);
    setConsent(false);
    const events = Array.from({ length: 40 }, () => event());
    for (const e of events) queue.push(e);
    setConsent(true);
    await queue.flush();
    expect(sent.map((b) => b.length)).toEqual([40, 20, 10, 10, 10, 10]);
    expect(sent.slice(2).flatMap(ids)).toEqual(ids(events));
  });

  it('503 + Retry-After: waits at least that long, then resends the same ids', async () => {
    const { queue, sent } = setup([answer(503, { 'Retry-After': '3' })]);
    queue.push(event());
    await queue.flush();
    expect(sent).toHaveLength(1);
    queue.push(event()); // backing off: a new event does not cut the wait short
    await vi.advanceTimersByTimeAsync(2999);
    expect(sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1501);
    expect(sent).toHaveLength(2);
    expect(ids(sent[1]).slice(0, 1)).toEqual(ids(sent[0]));
    expect(sent[1]).toHaveLength(2);
  });

  it.each([
    ['a network error', undefined],
    ['429', answer(429)],
    ['500', answer(500)],
  ])('retries %s with exponential backoff, a bounded number of times, then parks', async (_name, failure) => {
    const { queue, sent, store } = setup(Array(20).fill(failure));
    const e = event();
    queue.push(e);
    await queue.flush();
    await vi.advanceTimersByTimeAsync(60 * 60 * 1000);
    expect(sent).toHaveLength(MAX_TRIES);
    expect(new Set(sent.flatMap(ids))).toEqual(new Set([e.event_id]));
    // Parked, not lost: in the outbox for the next page, and sent again on `online`.
    expect(ids(store.get<CsEvent[]>('q'))).toEqual([e.event_id]);
  });

  it.each([400, 401, 403])('%i: drops the batch with one console warning, no retry', async (status) => {
    const { queue, sent } = setup([answer(status), answer(status)]);
    queue.push(event());
    await queue.flush();
    queue.push(event());
    await queue.flush();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sent).toHaveLength(2);
    expect(console.warn).toHaveBeenCalledTimes(1);
    expect(console.warn).toHaveBeenCalledWith(`clickstream: ${status} refused`);
  });

  it('offline: parks without spending tries, keeps the events in the outbox, sends them on `online`', async () => {
    const { queue, sent, store, offline } = setup([undefined]);
    offline(true);
    const events = [event(), event()];
    for (const e of events) queue.push(e);
    await queue.flush();
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(sent).toHaveLength(1);
    expect(ids(store.get<CsEvent[]>('q'))).toEqual(ids(events));
    offline(false);
    queue.online();
    await vi.advanceTimersByTimeAsync(0);
    expect(ids(sent[1])).toEqual(ids(events));
    expect(store.get('q')).toBeUndefined(); // confirmed, so out of the outbox
  });

  it("exit: beacons what the browser takes; the rest waits in the outbox, next to other tabs' events", async () => {
    const other = event();
    const beaconed: CsEvent[][] = [];
    // The browser takes the first 3 (its keepalive quota is then full).
    const beacon = (batch: CsEvent[]) => beaconed.push(batch.slice(0, 3)) && Math.min(batch.length, 3);
    const { queue, store } = setup([], { beacon });
    store.set('q', [other]);
    const events = Array.from({ length: 5 }, () => event());
    for (const e of events) queue.push(e);
    queue.exit();
    expect(beaconed.map(ids)).toEqual([ids(events.slice(0, 3))]);
    expect(ids(store.get<CsEvent[]>('q'))).toEqual([other.event_id, ...ids(events.slice(3))]);
  });

  it(`the outbox keeps the newest ${OUTBOX_MAX} events`, async () => {
    const { queue, store, offline } = setup([undefined]);
    offline(true);
    for (let i = 0; i < OUTBOX_MAX + 50; i++) queue.push(event());
    await queue.flush();
    const kept = store.get<CsEvent[]>('q')!;
    expect(kept).toHaveLength(OUTBOX_MAX);
    expect(kept.at(-1)!.event_id).toBe(`00000000-0000-4000-8000-${String(n).padStart(12, '0')}`);
  });

  it("load: sends another page's events once, and clears them from the outbox when confirmed", async () => {
    const { queue, sent, store } = setup();
    const left = [event(), event()];
    store.set('q', left);
    queue.load(left);
    queue.load(left); // loading twice (consent granted again) adds nothing
    await vi.advanceTimersByTimeAsync(0);
    expect(sent.map(ids)).toEqual([ids(left)]);
    expect(store.get('q')).toBeUndefined();
  });

  it('holds everything while consent is pending; clear() drops it', async () => {
    const { queue, sent, setConsent } = setup();
    setConsent(false);
    for (let i = 0; i < 30; i++) queue.push(event());
    await vi.advanceTimersByTimeAsync(10_000);
    expect(sent).toHaveLength(0);
    queue.clear();
    setConsent(true);
    await queue.flush();
    expect(sent).toHaveLength(0);
  });
});
