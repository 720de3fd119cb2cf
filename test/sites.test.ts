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
import { apiPortsEnv, sleepUntil, testConfig, testEndpoints, uniqueName } from './helpers.js';

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
    expect(list.stdout).toMatch(new RegExp(`^${name}\\t${key.slice(0, 8)}…\\tactive\\thttps://shop.example$`, 'm'));

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

  it.each([
    [['sites', 'add', 'Bad Name'], /site name "Bad Name": expected lowercase letters/],
    [['sites', 'add', 'ok-name', '--origin', 'ftp://x'], /origins are http:\/\/ or https:\/\//],
    [['sites', 'frobnicate'], /expected one of: add, list, revoke/],
  ])('refuses %j with a clear message', async (args, message) => {
    await expect(cli(...args)).rejects.toMatchObject({ stderr: expect.stringMatching(message) });
  });
});
