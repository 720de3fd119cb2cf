/**
 * Runs a role (`clickstream api` or `clickstream consumer`) as its own process, as in
 * production. In one process the consumer's synchronous batch work (parsing and encoding
 * thousands of rows) would stall the API's event loop and add its pauses to API latency,
 * and the two could not be measured apart.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { stopProcess, waitFor } from '../local/process-control.js';

const CLI = fileURLToPath(new URL('../bin/clickstream.js', import.meta.url));

export interface RoleProcess {
  pid: number;
  stop(): Promise<void>;
}

/**
 * Starts the role with `env` and resolves once `healthUrl` answers 200. `nodeArgs` go to
 * node itself, e.g. ['--cpu-prof', '--cpu-prof-dir=prof'] to profile the role. With
 * `logFile`, the role's log lines (stdout) are appended there instead of dropped.
 */
export async function startRoleProcess(
  role: 'api' | 'consumer',
  env: Record<string, string>,
  healthUrl: string,
  nodeArgs: string[] = [],
  logFile?: string,
): Promise<RoleProcess> {
  const out = logFile === undefined ? 'ignore' : fs.openSync(logFile, 'a');
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, CLI, role], {
    env: { ...process.env, ...env },
    stdio: ['ignore', out, 'inherit'],
  });
  if (typeof out === 'number') fs.closeSync(out);
  let exited: string | undefined;
  child.once('exit', (code, signal) => (exited = `exited (code ${code ?? '-'}, signal ${signal ?? '-'})`));
  await waitFor(
    `bench ${role} process`,
    async () => (await fetch(healthUrl, { signal: AbortSignal.timeout(1000) })).ok,
    {
      timeoutMs: 60_000,
      abort: () => exited,
    },
  );
  return {
    pid: child.pid!,
    async stop() {
      // Already gone (killed by a fault test): its pid may belong to someone else by now.
      if (child.exitCode !== null || child.signalCode !== null) return;
      await stopProcess(child.pid!, { graceMs: 20_000 });
    },
  };
}
