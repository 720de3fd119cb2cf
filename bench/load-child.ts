/**
 * Runs the load generator (load-process.ts) in a child Node process and returns its
 * result; the pid is exposed while it runs so its CPU and memory can be sampled.
 */
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { LoadResult } from './load-driver.js';
import type { SiteTarget } from './traffic.js';

const require = createRequire(import.meta.url);

export interface LoadChildArgs {
  url: string;
  sites: SiteTarget[];
  seed: number;
  durationMs: number;
  connections: number;
  pipelining?: number;
  rate?: number;
  batchSize?: number;
  maxEvents?: number;
}

export interface LoadChild {
  pid: number;
  result: Promise<LoadResult>;
}

/** Starts the child; `result` rejects if it fails or outlives `durationMs` by a minute. */
export function startLoadChild(args: LoadChildArgs): LoadChild {
  const tsx = pathToFileURL(require.resolve('tsx')).href;
  const entry = fileURLToPath(new URL('./load-process.ts', import.meta.url));
  const child = fork(entry, [JSON.stringify(args)], {
    execArgv: ['--import', tsx],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const result = new Promise<LoadResult>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`load generator did not finish within ${args.durationMs / 1000 + 60} s`));
    }, args.durationMs + 60_000);
    child.on('message', (m: { ok: true; result: LoadResult } | { ok: false; error: string }) => {
      clearTimeout(timer);
      if (m.ok) resolve(m.result);
      else reject(new Error(`load generator: ${m.error}`));
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`load generator exited with code ${code} before reporting`));
    });
  });
  return { pid: child.pid ?? 0, result };
}
