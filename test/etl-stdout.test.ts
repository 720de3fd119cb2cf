/**
 * Every line the etl role prints is a pino JSON line: log shippers parse the output line by
 * line, and a plain-text warning (graphile-worker prints one on stderr when the Postgres
 * pool lacks error handlers) breaks them.
 */
import { spawn } from 'node:child_process';
import { expect, inject, it } from 'vitest';
import { sleepUntil } from './helpers.js';

it('the etl role writes only JSON lines', async () => {
  const child = spawn(process.execPath, ['bin/clickstream.js', 'etl'], {
    env: { ...process.env, ...inject('testEnv'), LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  try {
    await sleepUntil('etl_started', async () => stdout.includes('"etl_started"'), 30_000);
  } finally {
    child.kill('SIGTERM');
  }
  expect(await exited, stderr).toBe(0);
  expect(stdout.split('\n').filter((line) => line !== '').length).toBeGreaterThan(0);
  const lines = `${stdout}\n${stderr}`.split('\n').filter((line) => line !== '');
  for (const line of lines) expect(() => JSON.parse(line), `not a JSON line: ${line}`).not.toThrow();
});
