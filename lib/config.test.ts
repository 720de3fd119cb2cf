import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config.js';
import { ENV_VARIABLES } from './env-schema.js';

describe('parseConfig', () => {
  it('gives the documented defaults for an empty environment', () => {
    const config = parseConfig({}, '/srv/app');
    expect(config.dataDir).toBe('/srv/app/.data');
    expect(config.clickhouse).toMatchObject({ externalUrl: undefined, database: 'clickstream', localHttpPort: 18123 });
    expect(config.kafka).toMatchObject({ externalBrokers: undefined, topicRaw: 'events.raw', topicPartitions: 4 });
    expect(config.api).toMatchObject({ host: '127.0.0.1', port: 8080, trustProxy: false });
    expect(config.api.limits).toEqual({ rateLimit: { perKey: {}, perIp: {} } });
  });

  it('treats an empty value as unset', () => {
    expect(parseConfig({ CLICKHOUSE_URL: '', KAFKA_BROKERS: ' ' }).clickhouse.externalUrl).toBeUndefined();
  });

  it('parses external services and limits', () => {
    const config = parseConfig({
      CLICKHOUSE_URL: 'http://ch:8123',
      KAFKA_BROKERS: 'k1:9092, k2:9092',
      API_RATE_PER_KEY: '100',
      API_BACKFILL_WINDOW_HOURS: '2',
      API_TRUST_PROXY: 'yes',
    });
    expect(config.clickhouse.externalUrl).toBe('http://ch:8123');
    expect(config.kafka.externalBrokers).toEqual(['k1:9092', 'k2:9092']);
    expect(config.api.trustProxy).toBe(true);
    expect(config.api.limits).toMatchObject({ backfillWindowMs: 7_200_000, rateLimit: { perKey: { perSecond: 100 } } });
  });

  it('connects the roles as the writer and migrations as the admin, with local default passwords', () => {
    const { clickhouse } = parseConfig({});
    expect([clickhouse.user, clickhouse.password]).toEqual(['clickstream_writer', 'clickstream-writer']);
    expect(clickhouse.admin).toEqual({ user: 'clickstream_admin', password: 'clickstream-admin' });
    expect(clickhouse.reader).toEqual({ user: 'clickstream_reader', password: 'clickstream-reader' });
    const set = parseConfig({ CLICKHOUSE_READER_PASSWORD: 'p@ss:w/rd#?%', CLICKHOUSE_WRITER_PASSWORD: '' }).clickhouse;
    expect(set.reader.password).toBe('p@ss:w/rd#?%');
    expect(set.password).toBe('clickstream-writer');
  });

  it('CLICKHOUSE_USER makes one login do everything; a password alone is refused', () => {
    const { clickhouse } = parseConfig({ CLICKHOUSE_USER: 'default', CLICKHOUSE_PASSWORD: '' });
    expect([clickhouse.user, clickhouse.password]).toEqual(['default', '']);
    expect(clickhouse.admin).toEqual({ user: 'default', password: '' });
    expect(clickhouse.reader.user).toBe('clickstream_reader');
    expect(() => parseConfig({ CLICKHOUSE_PASSWORD: 'x' })).toThrow(
      /CLICKHOUSE_PASSWORD is set but CLICKHOUSE_USER is not/,
    );
  });

  it('accepts DATABASE_URL without credentials (PGUSER / PGPASSWORD) and with escaped ones', () => {
    expect(parseConfig({ DATABASE_URL: 'postgres://postgres:5432/clickstream' }).postgres.externalUrl).toBe(
      'postgres://postgres:5432/clickstream',
    );
    expect(() => parseConfig({ DATABASE_URL: 'postgres://u:p%40ss%23@h:5432/db?sslmode=require' })).not.toThrow();
  });

  it('is frozen', () => {
    const config = parseConfig({});
    expect(Object.isFrozen(config.kafka)).toBe(true);
  });

  it.each([
    ['API_PORT', 'eighty', /API_PORT="eighty": expected an integer port 1-65535/],
    ['API_PORT', '70000', /API_PORT="70000": expected an integer port/],
    ['CLICKHOUSE_URL', 'ch:8123', /CLICKHOUSE_URL="ch:8123": expected an http\(s\) URL/],
    ['DATABASE_URL', 'mysql://x', /DATABASE_URL="mysql:\/\/x": not a postgres:\/\/ URL: expected a postgres:\/\/ URL/],
    ['DATABASE_URL', 'postgres://u:pa#ss@h:5432/db', /does not parse as a URL.*percent-encoded.*PGUSER and PGPASSWORD/],
    ['DATABASE_URL', 'postgres://u:p@h:5432/db#x', /has a # \(fragment\)/],
    ['DATABASE_URL', 'postgres://u:pa/ss@h:5432/db', /does not parse as a URL|more than one segment/],
    ['DATABASE_URL', 'postgres://u:100%@h:5432/db', /not a valid escape|does not parse/],
    ['KAFKA_BROKERS', 'localhost', /KAFKA_BROKERS="localhost": expected a comma-separated list of host:port/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL="loud": expected one of/],
    ['API_TRUST_PROXY', 'maybe', /API_TRUST_PROXY="maybe": expected true or false/],
    ['API_RATE_PER_IP', '-1', /API_RATE_PER_IP="-1": expected a positive number/],
    ['CLICKHOUSE_DATABASE', 'drop table', /CLICKHOUSE_DATABASE="drop table": expected a plain identifier/],
  ])('rejects %s=%s naming the variable, the value and the expected form', (name, value, message) => {
    expect(() => parseConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => parseConfig({ [name]: value })).toThrow(message);
  });

  it('has the documented slow-client limits and stale-cache window', () => {
    const { api } = parseConfig({});
    expect(api.http).toEqual({
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 5000,
      maxConnections: 10_000,
    });
    expect(api.siteCacheStaleMs).toBe(600_000);
  });

  it('refuses a headers timeout longer than the request timeout (Node would refuse the server)', () => {
    expect(() => parseConfig({ API_HEADERS_TIMEOUT_MS: '40000' })).toThrow(
      /API_HEADERS_TIMEOUT_MS=40000: expected at most API_REQUEST_TIMEOUT_MS \(30000\)/,
    );
  });

  it('lists every bad variable at once', () => {
    expect(() => parseConfig({ API_PORT: 'x', CONSUMER_PORT: 'y' })).toThrow(/API_PORT[\s\S]*CONSUMER_PORT/);
  });
});

describe('.env.example', () => {
  it('documents every variable the program reads, and only those', () => {
    const documented = fs
      .readFileSync(new URL('../.env.example', import.meta.url), 'utf8')
      .split('\n')
      .map((line) => /^([A-Z][A-Z0-9_]*)=/.exec(line)?.[1])
      .filter((name): name is string => name !== undefined);
    expect([...documented].sort()).toEqual([...ENV_VARIABLES].sort());
  });

  it('parses as a valid configuration', async () => {
    const { parse } = await import('dotenv');
    expect(() => parseConfig(parse(fs.readFileSync(new URL('../.env.example', import.meta.url))))).not.toThrow();
  });
});
