/**
 * What every embedded service (ClickHouse, Postgres, Kafka) provides, and the one routine
 * that starts any of them: preflight checks, spawn detached with its log in the data dir,
 * wait until ready (or until it dies, with its last log lines in the error).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { isAlive, tailFile, waitFor } from './process-control.js';

/** `clickhouse-shard<N>`: node N of the embedded cluster (LOCAL_CLICKHOUSE_SHARDS). */
export type ServiceName = 'clickhouse' | `clickhouse-shard${number}` | 'postgres' | 'kafka';

/** Whether a service is a ClickHouse server (one server, or a node of the embedded cluster). */
export function isClickHouse(name: ServiceName): boolean {
  return name === 'clickhouse' || name.startsWith('clickhouse-shard');
}

/** A recipe for one embedded service; each lives in its own file under local/. */
export interface EmbeddedService {
  readonly name: ServiceName;
  /** How clients reach it: a URL or a broker list. */
  readonly endpoint: string;
  /** Throws a clear, actionable error when the service cannot start here. */
  preflight(): Promise<void>;
  /** One-off work before the first start (initdb, fetching jars, formatting storage). */
  prepare(log: (message: string) => void): Promise<void>;
  /** The command to run; it must stay in the foreground and serve until signalled. */
  command(): { file: string; args: string[]; env?: NodeJS.ProcessEnv; uid?: number; gid?: number };
  /** Resolves true once clients can use it. */
  isReady(): Promise<boolean>;
  /** Work once ready, every start (e.g. create Kafka topics). */
  afterReady?(): Promise<void>;
  /** Postgres shuts down fastest on SIGINT; the others on SIGTERM. */
  readonly stopSignal: NodeJS.Signals;
  readonly readyTimeoutMs: number;
}

export interface StartedService {
  name: ServiceName;
  pid: number;
  endpoint: string;
  logFile: string;
}

/**
 * Starts a service as a detached process (its own process group, so a Ctrl-C in the
 * terminal reaches the `clickstream` process first, which then stops the roles before
 * the services they depend on).
 */
export async function startService(
  service: EmbeddedService,
  { logDir, log }: { logDir: string; log: (message: string) => void },
): Promise<StartedService> {
  await service.preflight();
  await service.prepare(log);
  fs.mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, `${service.name}.log`);
  const logFd = fs.openSync(logFile, 'a');
  const { file, args, env, uid, gid } = service.command();
  let child: ChildProcess;
  try {
    child = spawn(file, args, {
      detached: true,
      stdio: ['ignore', logFd, logFd],
      env: env ?? process.env,
      ...(uid === undefined ? {} : { uid }),
      ...(gid === undefined ? {} : { gid }),
    });
  } finally {
    fs.closeSync(logFd);
  }
  const pid = await new Promise<number>((resolve, reject) => {
    child.once('spawn', () => resolve(child.pid!));
    child.once('error', (error) => reject(new Error(`${service.name}: could not run ${file}: ${error.message}`)));
  });
  let exit: string | undefined;
  child.once('exit', (code, signal) => (exit = `exited early (code ${code ?? '-'}, signal ${signal ?? '-'})`));
  child.unref();
  try {
    await waitFor(`${service.name} on ${service.endpoint}`, () => service.isReady(), {
      timeoutMs: service.readyTimeoutMs,
      abort: () => exit ?? (isAlive(pid) ? undefined : 'process vanished'),
    });
    await service.afterReady?.();
  } catch (error) {
    if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    const tail = await tailFile(logFile);
    throw new Error(`${(error as Error).message}\n--- last lines of ${logFile} ---\n${tail}`);
  }
  return { name: service.name, pid, endpoint: service.endpoint, logFile };
}
