/**
 * Dependency failures on real services: Kafka unreachable → the API answers 503 with
 * Retry-After within ~2 s and recovers by itself when Kafka appears; ClickHouse down → the
 * consumer pauses without committing and loads everything once ClickHouse is back.
 * Each test starts its own ClickHouse or Kafka, so stopping it touches no other test.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Partitioners } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { startApi } from '../api/role.js';
import { encodeV2Record } from '../lib/wire/index.js';
import { startConsumer } from '../consumer/role.js';
import { createKafka, ensureTopics, pipelineTopics } from '../lib/kafka.js';
import { createLogger } from '../lib/logger.js';
import { createSiteStore } from '../lib/sites.js';
import { clickhouseService } from '../local/clickhouse/service.js';
import { startService, type StartedService } from '../local/embedded-service.js';
import { kafkaService } from '../local/kafka/service.js';
import { findFreePort, stopProcess } from '../local/process-control.js';
import { migrate } from '../migrations/runner.js';
import { createClickHouse } from '../lib/clickhouse.js';
import {
  apiPortsEnv,
  isolatedPipelineEnv,
  queryRows,
  sleepUntil,
  testConfig,
  testEndpoints,
  testLogin,
  uniqueName,
  withPgClient,
} from './helpers.js';

const started: StartedService[] = [];
const scratchDirs: string[] = [];
const scratchDir = (name: string) => {
  const dir = path.resolve('.test-data', uniqueName(name));
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  scratchDirs.push(dir);
  return dir;
};
const logger = createLogger('silent', 'test');

afterAll(async () => {
  for (const s of started) await stopProcess(s.pid, { graceMs: 10_000 });
  for (const dir of scratchDirs) fs.rmSync(dir, { recursive: true, force: true });
});

const EVENTS_PER_RECORD = 5;

describe('faults', () => {
  it('API: 503 + Retry-After within 2.5 s and /readyz 503 naming Kafka while it is unreachable; refused before the body once known down; ready and 202 once it is back', {
    timeout: 240_000,
  }, async () => {
    const kafkaPort = await findFreePort();
    const controllerPort = await findFreePort();
    const config = testConfig({ ...(await apiPortsEnv()), KAFKA_TOPIC_RAW: 'events.raw' });
    const site = uniqueName('fault').replace(/_/g, '-');
    const key = (await withPgClient((c) => createSiteStore(c).add(site, []))).key;
    const api = await startApi({
      config,
      logger,
      endpoints: testEndpoints({ kafkaBrokers: [`127.0.0.1:${kafkaPort}`] }),
    });
    const post = (body = JSON.stringify([{ type: 'pageview', url: '/' }])) =>
      fetch(`${api.url}/events`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Write-Key': key },
        body,
      });
    const readyz = async () => {
      const res = await fetch(`${api.url}/readyz`);
      return { status: res.status, body: (await res.json()) as { reason?: string } };
    };
    const dataDir = scratchDir('kafka');
    const startKafka = async () => {
      const kafka = await startService(
        kafkaService({ dataDir, port: kafkaPort, controllerPort, heapMb: 256, partitions: 1 }),
        { logDir: dataDir, log: () => {} },
      );
      started.push(kafka);
      return kafka;
    };
    try {
      const t0 = Date.now();
      const down = await post();
      expect(Date.now() - t0).toBeLessThan(2500);
      expect(down.status).toBe(503);
      expect(Number(down.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(((await down.json()) as { message?: string }).message).toBeTruthy();
      const notReady = await readyz();
      expect(notReady.status).toBe(503);
      expect(notReady.body.reason).toMatch(/^kafka: /);
      expect((await fetch(`${api.url}/healthz`)).status).toBe(200); // alive, only not ready

      const kafka = await startKafka();
      await ensureTopics(createKafka({ brokers: [kafka.endpoint], clientId: 'test' }), pipelineTopics(config));
      await sleepUntil('/readyz to say ready', async () => (await readyz()).status === 200, 60_000, 250);
      const up = await sleepUntil(
        'the API to accept again',
        async () => ((await post()).status === 202 ? true : undefined),
        60_000,
        500,
      );
      expect(up).toBe(true);

      // Killed under the API's feet: noticed without traffic, then refused before the body.
      await stopProcess(kafka.pid, { signal: 'SIGKILL' });
      const noticed = await sleepUntil(
        '/readyz to notice the dead broker',
        async () => {
          const r = await readyz();
          return r.status === 503 ? r : undefined;
        },
        30_000,
        250,
      );
      expect(noticed.body.reason).toMatch(/^kafka: /);
      const before = Date.now();
      const refused = await post('this is not even JSON: the body is never read');
      expect(refused.status).toBe(503);
      expect(await refused.json()).toMatchObject({ error: 'sink_unavailable' });
      expect(Date.now() - before).toBeLessThan(1000);

      await startKafka();
      await sleepUntil(
        '/readyz to say ready after the restart',
        async () => (await readyz()).status === 200,
        60_000,
        250,
      );
      await sleepUntil(
        '202 after the restart',
        async () => ((await post()).status === 202 ? true : undefined),
        30_000,
        250,
      );
    } finally {
      await api.stop();
    }
  });

  it('consumer: pauses while ClickHouse is down, commits nothing, /readyz 503 naming ClickHouse, then loads everything once', {
    timeout: 150_000,
  }, async () => {
    const dataDir = scratchDir('clickhouse');
    const service = clickhouseService({
      dataDir,
      httpPort: await findFreePort(),
      tcpPort: await findFreePort(),
      passwords: testConfig().clickhouse.userPasswords,
    });
    let clickhouseProcess = await startService(service, { logDir: dataDir, log: () => {} });
    started.push(clickhouseProcess);
    const target = { url: service.endpoint, ...testLogin('admin'), database: 'clickstream' };
    await withPgClient((postgres) => migrate({ clickhouse: target, postgres, log: () => {} }));

    const env = await isolatedPipelineEnv({ CONSUMER_FLUSH_MS: '100' });
    const config = testConfig(env);
    const kafka = createKafka({ brokers: inject('kafkaBrokers'), clientId: 'fault-test' });
    const consumer = await startConsumer({
      config,
      logger,
      endpoints: testEndpoints({ clickhouseUrls: [service.endpoint] }),
    });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    // n records as the API writes them, each holding the events of one request (5 here).
    const send = (n: number) =>
      producer.send({
        topic: env.KAFKA_TOPIC_RAW,
        messages: Array.from({ length: n }, () => ({
          value: encodeV2Record(
            {
              site_id: 'fault',
              received_at: new Date().toISOString(),
              sent_at: null,
              request_ua: null,
              request_id: 'fault',
              visitor_hash: '0123456789abcdef0123456789abcdef',
            },
            Array.from({ length: EVENTS_PER_RECORD }, () => ({
              event_id: crypto.randomUUID(),
              type: 'pageview',
              url: '/',
              payload: {},
              extra: {},
            })),
          ),
        })),
      });
    const clickhouse = () => createClickHouse(target);
    const count = async () => {
      const client = clickhouse();
      try {
        return Number((await queryRows<{ n: number | string }>(client, 'SELECT count() AS n FROM events'))[0]!.n);
      } finally {
        await client.close();
      }
    };
    const committed = async () => {
      const admin = kafka.admin();
      await admin.connect();
      const [topic] = await admin.fetchOffsets({ groupId: env.KAFKA_CONSUMER_GROUP, topics: [env.KAFKA_TOPIC_RAW] });
      await admin.disconnect();
      return topic!.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
    };
    const readyz = async () => {
      const res = await fetch(`${consumer.url}/readyz`);
      return { status: res.status, body: (await res.json()) as { reason?: string } };
    };
    try {
      await send(100);
      await sleepUntil('first 500 events loaded', async () => (await count()) === 500);
      await sleepUntil('first 100 records committed', async () => (await committed()) === 100);
      expect((await readyz()).status).toBe(200);

      await stopProcess(clickhouseProcess.pid);
      await send(200);
      await new Promise((r) => setTimeout(r, 4000));
      expect(await committed()).toBe(100); // nothing committed that was not inserted
      const notReady = await readyz();
      expect(notReady.status).toBe(503);
      expect(notReady.body.reason).toMatch(/clickhouse: inserts failing/);
      expect((await fetch(`${consumer.url}/healthz`)).status).toBe(200);

      clickhouseProcess = await startService(service, { logDir: dataDir, log: () => {} });
      started.push(clickhouseProcess);
      await sleepUntil(
        'all 1500 events loaded after ClickHouse came back',
        async () => (await count()) === 1500,
        60_000,
        500,
      );
      await sleepUntil('all 300 records committed', async () => (await committed()) === 300, 30_000, 500);
      expect((await readyz()).status).toBe(200);
    } finally {
      await producer.disconnect();
      await consumer.stop();
    }
  });
});
