/**
 * The pipeline under test, on a data dir and ports of its own: embedded ClickHouse,
 * Postgres and Kafka, migrations, bench sites, and the api and consumer roles, each its
 * own process as in production (see role-process.ts). Rate limits are raised out of the way: the bench
 * measures throughput, not the limiter. Environment variables that point at external
 * services are ignored on purpose, so a bench can never load someone else's server.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type Config, parseConfig } from '../lib/config.js';
import type { Endpoints } from '../lib/endpoints.js';
import { connectPg } from '../lib/postgres.js';
import { createSiteStore } from '../lib/sites.js';
import { findFreePort, isAlive, stopProcess } from '../local/process-control.js';
import type { ServiceName } from '../local/embedded-service.js';
import { ensureServices } from '../local/services.js';
import { applySchema } from '../migrations/apply.js';
import { type RoleProcess, startRoleProcess } from './role-process.js';
import type { SiteTarget } from './traffic.js';

/** The services a bench stack runs (one ClickHouse server, never the embedded cluster). */
type StackService = Extract<ServiceName, 'clickhouse' | 'postgres' | 'kafka'>;

export interface BenchSite extends SiteTarget {
  siteId: string;
}

export interface BenchStack {
  config: Config;
  /** The env the config was parsed from (to derive variants, e.g. a replay consumer). */
  env: Record<string, string>;
  endpoints: Endpoints;
  apiUrl: string;
  sites: BenchSite[];
  /** Pids of the embedded services, from `<dataDir>/services.json` (kept current by restartService). */
  servicePids: Record<StackService, number>;
  /** Pids of the api and consumer processes (kept current by startRole). */
  rolePids: Record<'api' | 'consumer', number>;
  /** Starts a service again after it died or was killed (same data and port); resolves once it is ready. */
  restartService(name: StackService): Promise<void>;
  /** Starts another process of a role (after one was killed); `stopRoles` stops it too. */
  startRole(role: 'api' | 'consumer'): Promise<RoleProcess>;
  stopRoles(): Promise<void>;
  stop(): Promise<void>;
}

const UNLIMITED = String(1_000_000_000);

/** Stacks started and not yet stopped, so a Ctrl-C can stop them (see stopAllBenchStacks). */
const running = new Set<BenchStack>();

/** Stops every bench stack of this process (roles, then services); for signal handlers. */
export async function stopAllBenchStacks(): Promise<void> {
  for (const stack of [...running]) await stack.stop();
}

/** The env of a bench stack: free loopback ports, quiet logs, no rate limits. */
export async function benchEnv(dataDir: string, extra: Record<string, string> = {}): Promise<Record<string, string>> {
  const ports = await Promise.all(Array.from({ length: 8 }, () => findFreePort()));
  return {
    CLICKSTREAM_DATA_DIR: dataDir,
    // kafkajs warns on every retry; at thousands of requests a second that floods the terminal.
    LOG_LEVEL: 'error',
    LOCAL_CLICKHOUSE_HTTP_PORT: String(ports[0]),
    LOCAL_CLICKHOUSE_TCP_PORT: String(ports[1]),
    LOCAL_POSTGRES_PORT: String(ports[2]),
    LOCAL_KAFKA_PORT: String(ports[3]),
    LOCAL_KAFKA_CONTROLLER_PORT: String(ports[4]),
    API_HOST: '127.0.0.1',
    API_PORT: String(ports[5]),
    API_METRICS_HOST: '127.0.0.1',
    API_METRICS_PORT: String(ports[7]),
    CONSUMER_HOST: '127.0.0.1',
    CONSUMER_PORT: String(ports[6]),
    API_RATE_PER_KEY: UNLIMITED,
    API_RATE_BURST_PER_KEY: UNLIMITED,
    API_RATE_PER_IP: UNLIMITED,
    API_RATE_BURST_PER_IP: UNLIMITED,
    ...extra,
  };
}

/**
 * Starts everything on a fresh `dataDir` (emptied first: it belongs to the bench), with
 * `siteCount` sites named bench-1..N. On failure, stops what it started and rethrows.
 */
export async function startBenchStack(options: {
  dataDir: string;
  siteCount: number;
  log: (m: string) => void;
  /** Node flags for the api and consumer processes (e.g. --cpu-prof). */
  roleNodeArgs?: string[];
  /** More environment for every process (e.g. LOG_LEVEL). */
  env?: Record<string, string>;
  /** Append each role's log lines to `<roleLogDir>/<role>.log` (default: dropped). */
  roleLogDir?: string;
}): Promise<BenchStack> {
  emptyBenchDir(options.dataDir);
  const env = await benchEnv(options.dataDir, options.env);
  const config = parseConfig(env);
  const services = await ensureServices(config, { log: options.log, owner: process.pid });
  const roles: RoleProcess[] = [];
  const stopRoles = async () => {
    for (const role of roles.splice(0).reverse())
      await role.stop().catch((e: Error) => options.log(`stop: ${e.message}`));
  };
  try {
    await applySchema(config, services.endpoints, () => {});
    const sites = await createSites(services.endpoints.databaseUrl, options.siteCount);
    const readPids = () => {
      const state = JSON.parse(fs.readFileSync(path.join(options.dataDir, 'services.json'), 'utf8')) as Record<
        string,
        { pid: number }
      >;
      return {
        clickhouse: state.clickhouse?.pid ?? 0,
        postgres: state.postgres?.pid ?? 0,
        kafka: state.kafka?.pid ?? 0,
      };
    };
    const servicePids = readPids();
    // The roles reach the services as external ones, exactly like a scaled-out deployment.
    const roleEnv = {
      ...env,
      CLICKHOUSE_URL: services.endpoints.clickhouseUrls[0],
      DATABASE_URL: services.endpoints.databaseUrl,
      KAFKA_BROKERS: services.endpoints.kafkaBrokers.join(','),
    };
    const apiUrl = `http://${config.api.host}:${config.api.port}`;
    const healthUrls = {
      api: `${apiUrl}/healthz`,
      consumer: `http://${config.consumer.host}:${config.consumer.port}/healthz`,
    };
    const rolePids = { api: 0, consumer: 0 };
    const startRole = async (role: 'api' | 'consumer') => {
      const logFile = options.roleLogDir ? path.join(options.roleLogDir, `${role}.log`) : undefined;
      const started = await startRoleProcess(role, roleEnv, healthUrls[role], options.roleNodeArgs, logFile);
      roles.push(started);
      rolePids[role] = started.pid;
      return started;
    };
    await startRole('consumer');
    await startRole('api');
    const stack: BenchStack = {
      config,
      env,
      endpoints: services.endpoints,
      apiUrl,
      sites,
      servicePids,
      rolePids,
      async restartService(name) {
        await ensureServices(config, { log: () => {}, owner: process.pid, only: [name] });
        // The new pid, so that stop() never signals a stale one (the OS may reuse it).
        servicePids[name] = readPids()[name];
      },
      startRole,
      stopRoles,
      async stop() {
        running.delete(stack);
        await stopRoles();
        await services.stop();
        // services.json may be gone (someone emptied the data dir): stop by the pids we saw.
        for (const [name, pid] of Object.entries(servicePids)) {
          if (pid > 0 && isAlive(pid))
            options.log(
              `${name}: ${await stopProcess(pid, { signal: name === 'postgres' ? 'SIGINT' : 'SIGTERM', graceMs: 20_000 })} (pid ${pid})`,
            );
        }
      },
    };
    running.add(stack);
    return stack;
  } catch (error) {
    await stopRoles();
    await services.stop();
    throw error;
  }
}

const OWNER_MARK = '.clickstream-bench';

/**
 * Empties the dir, but only one the bench made (it holds OWNER_MARK) or a new/empty one, and
 * never one a live run still uses (the mark names its pid): two runs on one data dir would
 * start, stop and kill each other's services.
 */
function emptyBenchDir(dir: string): void {
  const entries = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
  if (entries.length > 0 && !entries.includes(OWNER_MARK)) {
    throw new Error(
      `bench: ${dir} is not empty and was not made by the bench; pick another --data-dir (it is emptied first)`,
    );
  }
  const owner = entries.includes(OWNER_MARK)
    ? Number(/^pid (\d+)$/m.exec(fs.readFileSync(path.join(dir, OWNER_MARK), 'utf8'))?.[1] ?? 0)
    : 0;
  if (owner > 0 && owner !== process.pid && isAlive(owner)) {
    throw new Error(`bench: ${dir} is in use by a running bench or chaos run (pid ${owner}); pick another --data-dir`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, OWNER_MARK), `Made by clickstream bench, emptied by each run.\npid ${process.pid}\n`);
}

async function createSites(databaseUrl: string, count: number): Promise<BenchSite[]> {
  const client = await connectPg(databaseUrl);
  try {
    const store = createSiteStore(client);
    const sites: BenchSite[] = [];
    for (let i = 1; i <= count; i++) {
      const siteId = `bench-${i}`;
      const { key } = await store.add(siteId, ['*']);
      sites.push({ siteId, key, host: `site${i}.bench.example` });
    }
    return sites;
  } finally {
    await client.end();
  }
}
