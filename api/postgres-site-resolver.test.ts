import { describe, expect, it } from 'vitest';
import type { SiteRecord } from '../lib/sites.js';
import { createPostgresSiteResolver } from './postgres-site-resolver.js';

/** A store whose answers and availability the test controls; counts its lookups. */
function fakeStore(keys: Record<string, string>) {
  const store = {
    keys: { ...keys },
    down: false,
    hang: false,
    lookups: 0,
    async findByKey(key: string): Promise<SiteRecord | null> {
      store.lookups++;
      if (store.hang) return new Promise<never>(() => undefined);
      if (store.down) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
      const siteId = store.keys[key];
      return siteId
        ? {
            siteId,
            keyPrefix: key.slice(0, 8),
            allowedOrigins: ['*'],
            timezone: 'UTC',
            createdAt: new Date(0),
            revokedAt: null,
            previousKeyPrefix: null,
            previousKeyExpiresAt: null,
          }
        : null;
    },
  };
  return store;
}

function clock() {
  const c = { t: 1_000_000, now: () => c.t };
  return c;
}

describe('createPostgresSiteResolver', () => {
  it('caches answers for the TTL, then asks again (a revocation takes effect within the TTL)', async () => {
    const store = fakeStore({ good: 'shop' });
    const time = clock();
    const sites = createPostgresSiteResolver(store, { ttlMs: 5000, now: time.now });
    expect(await sites.resolve('good')).toMatchObject({ siteId: 'shop', timezone: 'UTC' });
    time.t += 4000;
    await sites.resolve('good');
    expect(store.lookups).toBe(1);
    delete store.keys.good; // revoked
    time.t += 1500;
    expect(await sites.resolve('good')).toBeNull();
    expect(store.lookups).toBe(2);
  });

  it('keeps serving known keys and known revocations while Postgres is down, 503 (a rejection) for new keys', async () => {
    const store = fakeStore({ good: 'shop', revoked: 'old' });
    const time = clock();
    const sites = createPostgresSiteResolver(store, { ttlMs: 5000, staleMs: 600_000, now: time.now });
    await sites.resolve('good');
    delete store.keys.revoked;
    expect(await sites.resolve('revoked')).toBeNull();

    store.down = true;
    time.t += 60_000;
    expect((await sites.resolve('good'))?.siteId).toBe('shop');
    expect(await sites.resolve('revoked')).toBeNull();
    await expect(sites.resolve('never-seen')).rejects.toThrow(/postgres unreachable|ECONNREFUSED/);
    expect(sites.status()).toMatchObject({ ok: false, staleAnswers: 2 });
    expect(sites.status().detail).toMatch(/serving 1 known keys/);
  });

  it('gives up on known keys after the stale limit', async () => {
    const store = fakeStore({ good: 'shop' });
    const time = clock();
    const sites = createPostgresSiteResolver(store, { staleMs: 600_000, now: time.now });
    await sites.resolve('good');
    store.down = true;
    time.t += 599_000;
    expect((await sites.resolve('good'))?.siteId).toBe('shop');
    time.t += 2000;
    await expect(sites.resolve('good')).rejects.toThrow();
  });

  it('touches a down Postgres at most once per retry interval, not once per request', async () => {
    const store = fakeStore({ good: 'shop' });
    const time = clock();
    const sites = createPostgresSiteResolver(store, { ttlMs: 5000, retryMs: 1000, now: time.now });
    await sites.resolve('good');
    store.down = true;
    time.t += 10_000;
    for (let i = 0; i < 1000; i++) await sites.resolve('good');
    expect(store.lookups).toBe(2);
    time.t += 1000;
    for (let i = 0; i < 1000; i++) await sites.resolve('good');
    expect(store.lookups).toBe(3);
  });

  it('is fresh again as soon as Postgres answers: a revocation made during the outage applies at once', async () => {
    const store = fakeStore({ good: 'shop' });
    const time = clock();
    const sites = createPostgresSiteResolver(store, { retryMs: 1000, now: time.now });
    await sites.resolve('good');
    store.down = true;
    time.t += 10_000;
    expect((await sites.resolve('good'))?.siteId).toBe('shop');
    delete store.keys.good;
    store.down = false;
    time.t += 1000;
    expect(await sites.resolve('good')).toBeNull();
    expect(sites.status().ok).toBe(true);
  });

  it('treats a hanging lookup as a failure and answers from the cache', async () => {
    const store = fakeStore({ good: 'shop' });
    const sites = createPostgresSiteResolver(store, { ttlMs: 1, lookupTimeoutMs: 20 });
    await sites.resolve('good');
    store.hang = true;
    await new Promise((r) => setTimeout(r, 5));
    expect((await sites.resolve('good'))?.siteId).toBe('shop');
    expect(sites.status().ok).toBe(false);
  });

  it('a flood of unknown keys does not push known sites out of the cache', async () => {
    const store = fakeStore({ good: 'shop' });
    const time = clock();
    const sites = createPostgresSiteResolver(store, { maxEntries: 100, now: time.now });
    await sites.resolve('good');
    for (let i = 0; i < 1000; i++) await sites.resolve(`bogus-${i}`);
    store.down = true;
    time.t += 60_000;
    expect((await sites.resolve('good'))?.siteId).toBe('shop');
  });
});
