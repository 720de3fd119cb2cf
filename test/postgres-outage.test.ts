/**
 * A Postgres blip stops nothing: the API keeps serving the write keys it knows (and the
 * revocations it knows) from its cache and stays ready, answering 503 only for keys it never
 * saw; a consumer started while Postgres is down waits for the day's visitor salt without
 * crashing, skipping or committing, and loads everything once Postgres is back.
 * This file runs its own Postgres, so stopping it touches no other test.
 */
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Partitioners } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { RawEventMessageV1 } from '../lib/wire/record-v1.js';
import { startApi } from '../api/role.js';
import { startConsumer } from '../consumer/role.js';
import { createKafka } from '../lib/kafka.js';
import { createLogger } from '../lib/logger.js';
import { connectPg } from '../lib/postgres.js';
import { createSiteStore } from '../lib/sites.js';
import { type StartedService, startService } from '../local/embedded-service.js';
import { postgresService } from '../local/postgres.js';
import { findFreePort, stopProcess } from '../local/process-control.js';
import { migrate } from '../migrations/runner.js';
import {
  isolatedPipelineEnv,
  queryRows,
  sleepUntil,
  testClickHouse,
  testConfig,
  testEndpoints,
  testLogin,
  uniqueName,
} from './helpers.js';

const logger = createLogger('silent', 'test');

describe('a Postgres outage', () => {
  const dataDir = path.resolve('.test-data', uniqueName('pg-outage'));
  let service: ReturnType<typeof postgresService>;
  let running: StartedService | undefined;
  const startPostgres = async () => {
    running = await startService(service, { logDir: dataDir, log: () => {} });
  };
  const stopPostgres = async () => {
    if (running) await stopProcess(running.pid, { signal: 'SIGINT', graceMs: 20_000 });
    running = undefined;
  };
  const withClient = async <T>(fn: (c: Awaited<ReturnType<typeof connectPg>>) => Promise<T>) => {
    const client = await connectPg(service.endpoint);
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o755 });
    service = postgresService({ dataDir, port: await findFreePort() });
    await startPostgres();
    const clickhouse = { url: inject('clickhouseUrl'), ...testLogin('admin'), database: 'clickstream' };
    await withClient((postgres) => migrate({ clickhouse, postgres, log: () => {} }));
  }, 180_000);

  afterAll(async () => {
    await stopPostgres();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('API: known keys and known revocations are served from the cache and it stays ready; only unseen keys get 503; a revocation applies once Postgres is back', {
    timeout: 180_000,
  }, async () => {
    const env = await isolatedPipelineEnv();
    const [known, revoked] = await withClient(async (c) => {
      const store = createSiteStore(c);
      const a = await store.add(uniqueName('known').replace(/_/g, '-'), ['*']);
      const b = await store.add(uniqueName('revoked').replace(/_/g, '-'), ['*']);
      await store.revoke(b.site.siteId);
      return [a, b];
    });
    const api = await startApi({
      config: testConfig(env),
      logger,
      endpoints: testEndpoints({ databaseUrl: service.endpoint }),
    });
    const post = (key: string) =>
      fetch(`${api.url}/events`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Write-Key': key },
        body: JSON.stringify([{ type: 'pageview', url: '/' }]),
      });
    try {
      await sleepUntil('the API to be ready', async () => (await fetch(`${api.url}/readyz`)).ok, 30_000, 200);
      expect((await post(known.key)).status).toBe(202);
      expect((await post(revoked.key)).status).toBe(401);

      await stopPostgres();
      // Well past the 5 s TTL of every cached answer.
      for (let i = 0; i < 8; i++) {
        expect((await post(known.key)).status).toBe(202);
        expect((await post(revoked.key)).status).toBe(401);
        await sleep(1000);
      }
      const unseen = await post('csk_never_seen_before_by_this_api');
      expect(unseen.status).toBe(503);
      expect(await unseen.json()).toMatchObject({ error: 'sites_unavailable' });
      const ready = await fetch(`${api.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ dependencies: { kafka: { ok: true }, postgres: { ok: false } } });

      await startPostgres();
      await withClient((c) => createSiteStore(c).revoke(known.site.siteId));
      await sleepUntil('the revocation to apply', async () => (await post(known.key)).status === 401, 30_000, 250);
    } finally {
      await api.stop();
      if (!running) await startPostgres();
    }
  });

  it('consumer: started while Postgres is down, waits for the salt (no crash, no skip, no commit) and loads all once it is back', {
    timeout: 180_000,
  }, async () => {
    const env = await isolatedPipelineEnv({ CONSUMER_FLUSH_MS: '100', LOG_LEVEL: 'silent' });
    const config = testConfig(env);
    const site = uniqueName('salt').replace(/_/g, '-');
    const kafka = createKafka({ brokers: inject('kafkaBrokers'), clientId: 'pg-outage-test' });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const events = 200;
    await producer.send({
      topic: env.KAFKA_TOPIC_RAW,
      messages: Array.from({ length: events }, () => {
        // v1 records (an older API's) are the ones that need the day's salt: v2 ones carry the hash.
        const value: RawEventMessageV1 = {
          v: 1,
          site_id: site,
          event: { event_id: crypto.randomUUID(), type: 'pageview', url: '/', payload: {}, extra: {} },
          // A day no salt exists for yet: the consumer must fetch it from Postgres.
          received_at: new Date().toISOString(),
          sent_at: null,
          ip: '192.0.2.7',
          request_ua: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0 Safari/537.36',
          request_id: 'salt',
        };
        return { key: crypto.randomUUID(), value: JSON.stringify(value) };
      }),
    });
    await producer.disconnect();
    await withClient((c) => c.query('DELETE FROM clickstream.visitor_salts'));
    await stopPostgres();

    const clickhouse = testClickHouse();
    const count = async () =>
      Number(
        (
          await queryRows<{ n: string }>(clickhouse, 'SELECT count() AS n FROM events WHERE site_id = {site:String}', {
            site,
          })
        )[0]!.n,
      );
    const committed = async () => {
      const admin = kafka.admin();
      await admin.connect();
      try {
        const [topic] = await admin.fetchOffsets({ groupId: env.KAFKA_CONSUMER_GROUP, topics: [env.KAFKA_TOPIC_RAW] });
        return topic!.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
      } finally {
        await admin.disconnect();
      }
    };
    const consumer = await startConsumer({
      config,
      logger,
      endpoints: testEndpoints({ databaseUrl: service.endpoint }),
    });
    try {
      const waiting = await sleepUntil(
        '/readyz to say it waits for the salt',
        async () => {
          const res = await fetch(`${consumer.url}/readyz`);
          const body = (await res.json()) as { reason?: string };
          return res.status === 503 && /postgres: waiting for the day's visitor salt/.test(body.reason ?? '')
            ? body
            : undefined;
        },
        30_000,
        250,
      );
      expect(waiting).toBeTruthy();
      await sleep(5000);
      expect(await count()).toBe(0); // no made-up salt, nothing skipped into the table
      expect(await committed()).toBe(0);
      expect((await fetch(`${consumer.url}/healthz`)).status).toBe(200); // alive: waiting, not crashed

      const back = performance.now();
      await startPostgres();
      await sleepUntil('every event loaded', async () => (await count()) === events, 60_000, 100);
      process.stderr.write(
        `[postgres outage] consumer loaded all ${events} events ${((performance.now() - back) / 1000).toFixed(1)} s after Postgres was started again (start included)\n`,
      );
      await sleepUntil('every event committed', async () => (await committed()) === events, 30_000, 250);
      expect((await fetch(`${consumer.url}/readyz`)).status).toBe(200);
    } finally {
      await consumer.stop();
      await clickhouse.close();
    }
  });
});
