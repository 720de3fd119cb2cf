/**
 * Sites and write keys end to end: `clickstream sites add` prints the key alone on stdout,
 * the API accepts it, `sites revoke` makes the API refuse it within seconds.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { type RunningApi, startApi } from '../api/role.js';
import { createLogger } from '../lib/logger.js';
import { fixtureId, insertEvents } from './support/mart-fixtures.js';
import { apiPortsEnv, sleepUntil, testClickHouse, testConfig, testEndpoints, uniqueName } from './helpers.js';

const run = promisify(execFile);
const cli = (...args: string[]) =>
  run(process.execPath, ['bin/clickstream.js', ...args], { env: { ...process.env, ...inject('testEnv') } });

describe('sites', () => {
  let api: RunningApi;
  beforeAll(async () => {
    const config = testConfig(await apiPortsEnv());
    api = await startApi({ config, endpoints: testEndpoints(), logger: createLogger('silent', 'test') });
  });
  afterAll(() => api?.stop());

  const post = (key: string, origin?: string) =>
    fetch(`${api.url}/events`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Write-Key': key, ...(origin ? { Origin: origin } : {}) },
      body: JSON.stringify([{ type: 'pageview', url: '/' }]),
    });

  it('adds a site, prints only its key, and the API takes it', async () => {
    const name = uniqueName('shop').replace(/_/g, '-');
    const { stdout } = await cli('sites', 'add', name, '--origin', 'https://shop.example');
    const key = stdout.trim();
    expect(stdout).toMatch(/^csk_[A-Za-z0-9_-]{43}\n$/);
    expect((await post(key)).status).toBe(202);
    expect((await post(key, 'https://shop.example')).status).toBe(202);
    expect((await post(key, 'https://evil.example')).status).toBe(403);

    const list = await cli('sites', 'list');
    expect(list.stdout).toMatch(
      new RegExp(`^${name}\\t${key.slice(0, 8)}…\\tactive\\tUTC\\thttps://shop.example$`, 'm'),
    );

    await cli('sites', 'revoke', name);
    const refused = await sleepUntil(
      'the API to notice the revocation',
      async () => ((await post(key)).status === 401 ? true : undefined),
      10_000,
      250,
    );
    expect(refused).toBe(true);
    expect((await cli('sites', 'list')).stdout).toMatch(new RegExp(`^${name}\\t.*\\trevoked `, 'm'));
  });

  it('keeps a time zone, changes it with set and says which days to rebuild', async () => {
    const name = uniqueName('zoned').replace(/_/g, '-');
    await cli('sites', 'add', name, '--timezone', 'europe/moscow');
    expect((await cli('sites', 'list')).stdout).toMatch(new RegExp(`^${name}\\t.*\\tactive\\tEurope/Moscow\\t`, 'm'));
    const none = await cli('sites', 'set', name, '--timezone', 'Asia/Kolkata');
    expect(none.stderr).toMatch(
      /now counts its days in Asia\/Kolkata \(was Europe\/Moscow\)\.\nIt has no raw events yet/,
    );
    const clickhouse = testClickHouse();
    await insertEvents(clickhouse, [
      { site_id: name, event_id: fixtureId(name, 1), type: 'pageview', ts: '2024-02-03 10:00:00.000' },
      { site_id: name, event_id: fixtureId(name, 2), type: 'pageview', ts: '2024-02-10 23:00:00.000' },
    ]);
    await clickhouse.close();
    const set = await cli('sites', 'set', name, '--timezone', 'UTC', '--origin', 'https://a.example');
    expect(set.stdout).toMatch(new RegExp(`^${name}\\t.*\\tactive\\tUTC\\thttps://a.example$`, 'm'));
    expect(set.stderr).toContain('now counts its days in UTC (was Asia/Kolkata)');
    expect(set.stderr).toContain('2024-02-03 .. 2024-02-10 (UTC)');
    expect(set.stderr).toContain('clickstream backfill --from 2024-02-02T00:00:00Z --to 2024-02-12T00:00:00Z');
  });

  it('rotate-key: a new key, the previous one accepted for the grace period, then not', async () => {
    const name = uniqueName('rotating').replace(/_/g, '-');
    const old = (await cli('sites', 'add', name)).stdout.trim();
    const rotated = await cli('sites', 'rotate-key', name, '--grace', '1');
    const fresh = rotated.stdout.trim();
    expect(fresh).toMatch(/^csk_[A-Za-z0-9_-]{43}$/);
    expect(fresh).not.toBe(old);
    expect(rotated.stderr).toMatch(/the previous key works until \d{4}-/);
    expect((await post(fresh)).status).toBe(202);
    expect((await post(old)).status).toBe(202);
    expect((await cli('sites', 'list')).stdout).toMatch(
      new RegExp(`^${name}\\t${fresh.slice(0, 8)}…\\tactive \\(previous key ${old.slice(0, 8)}… until `, 'm'),
    );
    // rotating again with no grace ends the old key at once; the API notices within seconds
    const third = (await cli('sites', 'rotate-key', name, '--grace', '0')).stdout.trim();
    await sleepUntil(
      'the API to refuse the replaced key',
      async () => ((await post(fresh)).status === 401 ? true : undefined),
      10_000,
      250,
    );
    expect((await post(old)).status).toBe(401);
    expect((await post(third)).status).toBe(202);
  });

  it.each([
    [
      ['sites', 'add', 'ok-zone', '--timezone', 'Mars/Olympus'],
      /--timezone: "Mars\/Olympus" is not an IANA time zone name/,
    ],
    [['sites', 'set', 'ok-zone'], /sites set needs --timezone TZ and\/or --origin/],
    [['sites', 'list', '--grace', '2'], /--grace goes with "sites rotate-key"/],
    [['sites', 'add', 'Bad Name'], /site name "Bad Name": expected lowercase letters/],
    [['sites', 'add', 'ok-name', '--origin', 'ftp://x'], /origins are http:\/\/ or https:\/\//],
    [['sites', 'frobnicate'], /expected one of: add, set, rotate-key, list, revoke/],
  ])('refuses %j with a clear message', async (args, message) => {
    await expect(cli(...args)).rejects.toMatchObject({ stderr: expect.stringMatching(message) });
  });
});
