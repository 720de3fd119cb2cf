/**
 * Starts, finds and stops the embedded services. A service whose external URL is configured
 * (CLICKHOUSE_URL, DATABASE_URL, KAFKA_BROKERS) is never started: the external one is used.
 *
 * Running services are recorded in `<data dir>/services.json` (pid, endpoint, owner), so
 * `clickstream services down` and a later `clickstream start` find them. `owner` is the pid
 * of the `clickstream` process that stops the service when it exits, or null for services
 * started by `clickstream services up`, which run until `services down`.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../lib/config.js';
import { CLICKHOUSE_USERS } from '../lib/clickhouse-users.js';
import { type Endpoints, embeddedNodePorts, resolveEndpoints } from '../lib/endpoints.js';
import { redactUrl } from '../lib/postgres.js';
import { clickhouseService } from './clickhouse/service.js';
import {
  type EmbeddedService,
  isClickHouse,
  type ServiceName,
  type StartedService,
  startService,
} from './embedded-service.js';
import { kafkaService } from './kafka/service.js';
import { postgresService } from './postgres.js';
import { isAlive, stopProcess } from './process-control.js';
import { answers } from './probes.js';

interface StateEntry extends StartedService {
  startedAt: string;
  owner: number | null;
}
type State = Partial<Record<ServiceName, StateEntry>>;

export interface RunningServices {
  endpoints: Endpoints;
  /** Services this call started or adopted, which `stop()` stops. */
  owned: ServiceName[];
  stop(): Promise<void>;
}

function stateFile(config: Config): string {
  return path.join(config.dataDir, 'services.json');
}

function readState(config: Config): State {
  try {
    return JSON.parse(fs.readFileSync(stateFile(config), 'utf8')) as State;
  } catch {
    return {};
  }
}

/** Read-modify-write of the state file; all callers are in this process, one at a time. */
function updateState(config: Config, change: (state: State) => void): void {
  const state = readState(config);
  change(state);
  fs.mkdirSync(config.dataDir, { recursive: true });
  const file = stateFile(config);
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(state, null, 2));
  fs.renameSync(`${file}.tmp`, file);
}

/**
 * The embedded ClickHouse: one server, or LOCAL_CLICKHOUSE_SHARDS processes that form a
 * cluster through the remote_servers of their config (each shard's port is that node's own
 * TCP port, so each node knows which shard is itself). Nodes talk to each other as the admin.
 */
function clickhouseServices(config: Config): EmbeddedService[] {
  const { localShards, cluster, userPasswords } = config.clickhouse;
  const common = { dataDir: config.dataDir, passwords: userPasswords };
  if (localShards === 1 || cluster === undefined) {
    return [
      clickhouseService({
        ...common,
        httpPort: config.clickhouse.localHttpPort,
        tcpPort: config.clickhouse.localTcpPort,
      }),
    ];
  }
  const nodes = Array.from({ length: localShards }, (_, i) => embeddedNodePorts(config, i));
  const remoteServers = {
    [cluster]: {
      shards: nodes.map((n) => ({ host: '127.0.0.1', port: n.tcpPort })),
      user: CLICKHOUSE_USERS.admin,
      password: userPasswords.admin,
    },
  };
  return nodes.map((ports, i) => clickhouseService({ ...common, ...ports, remoteServers, node: i + 1 }));
}

/** The recipes for the services this config wants embedded (those with no external URL). */
export function embeddedServices(config: Config): EmbeddedService[] {
  const services: EmbeddedService[] = [];
  if (!config.clickhouse.externalUrl) services.push(...clickhouseServices(config));
  if (!config.postgres.externalUrl) {
    services.push(postgresService({ dataDir: config.dataDir, port: config.postgres.localPort }));
  }
  if (!config.kafka.externalBrokers) {
    services.push(
      kafkaService({
        dataDir: config.dataDir,
        port: config.kafka.localPort,
        controllerPort: config.kafka.localControllerPort,
        heapMb: config.kafka.localHeapMb,
        partitions: config.kafka.topicPartitions,
      }),
    );
  }
  return services;
}

/**
 * Makes sure every service is reachable: reuses embedded ones already running (from
 * `services up` or an earlier start) and starts the missing ones in parallel. The schema
 * and Kafka topics are `applySchema`'s job (migrations/apply.ts). With `owner`, what this
 * call starts is stopped by `stop()`; without it (services up) they keep running.
 */
export async function ensureServices(
  config: Config,
  { log, owner, only }: { log: (message: string) => void; owner: number | null; only?: readonly ServiceName[] },
): Promise<RunningServices> {
  const state = readState(config);
  const owned: ServiceName[] = [];
  // `only`: a fault test starting again the one service it killed, leaving the rest alone.
  const wanted = embeddedServices(config).filter((s) => only === undefined || only.includes(s.name));
  await Promise.all(
    wanted.map(async (service) => {
      const known = state[service.name];
      if (known && isAlive(known.pid) && (await service.isReady().catch(() => false))) {
        // Still running. Adopt it when the process that owned it is gone (it crashed).
        if (owner !== null && known.owner !== null && !isAlive(known.owner)) {
          updateState(config, (s) => {
            s[service.name] = { ...known, owner };
          });
          owned.push(service.name);
        }
        log(`${service.name}: already running (pid ${known.pid}) at ${known.endpoint}`);
        return;
      }
      const started = Date.now();
      const running = await startService(service, { logDir: path.join(config.dataDir, 'logs'), log });
      updateState(config, (s) => {
        s[service.name] = { ...running, startedAt: new Date().toISOString(), owner };
      });
      if (owner !== null) owned.push(service.name);
      log(
        `${service.name}: ready at ${running.endpoint} in ${((Date.now() - started) / 1000).toFixed(1)} s (pid ${running.pid})`,
      );
    }),
  ).catch(async (error: unknown) => {
    // One failed: stop the ones this call started, so a failed start leaves nothing behind.
    await stopServices(config, { only: owned, log: () => {} });
    throw error;
  });
  const endpoints = resolveEndpoints(config);
  return { endpoints, owned, stop: () => stopServices(config, { only: owned, log }) };
}

/**
 * Stops embedded services recorded in the state file (all of them, whatever the config says
 * now, e.g. the nodes of an embedded cluster; or `only` these), by pid.
 */
export async function stopServices(
  config: Config,
  { only, log }: { only?: ServiceName[]; log: (message: string) => void },
): Promise<void> {
  const state = readState(config);
  const signals = new Map(embeddedServices(config).map((s) => [s.name, s.stopSignal]));
  // Kafka first: it writes its shutdown to disk; the others do not depend on order.
  const recorded = Object.keys(state) as ServiceName[];
  const order = [...recorded.filter((n) => n === 'kafka'), ...recorded.filter((n) => n !== 'kafka')];
  await Promise.all(
    order
      .filter((name) => (only ?? recorded).includes(name) && state[name])
      .map(async (name) => {
        const entry = state[name]!;
        const signal = signals.get(name) ?? (name === 'postgres' ? 'SIGINT' : 'SIGTERM');
        const outcome = await stopProcess(entry.pid, { signal, graceMs: 20_000 });
        updateState(config, (s) => void delete s[name]);
        log(`${name}: ${outcome} (pid ${entry.pid})`);
      }),
  );
}

export interface ServiceStatus {
  name: ServiceName;
  mode: 'embedded' | 'external';
  endpoint: string;
  pid?: number;
  running: boolean;
  ready: boolean;
}

/** What `services status` prints: each service, where it is, and whether it answers. */
export async function servicesStatus(config: Config): Promise<ServiceStatus[]> {
  const state = readState(config);
  const embedded = new Map(embeddedServices(config).map((s) => [s.name, s]));
  const endpoints = resolveEndpoints(config);
  const external: Array<[ServiceName, string]> = [
    ...(config.clickhouse.externalUrl ? [['clickhouse', endpoints.clickhouseUrls[0]] as [ServiceName, string]] : []),
    ...(config.postgres.externalUrl ? [['postgres', endpoints.databaseUrl] as [ServiceName, string]] : []),
    ...(config.kafka.externalBrokers ? [['kafka', endpoints.kafkaBrokers.join(',')] as [ServiceName, string]] : []),
  ];
  const order = (name: ServiceName) => (isClickHouse(name) ? 0 : name === 'postgres' ? 1 : 2);
  const names = [...embedded.keys(), ...external.map(([n]) => n)].sort((a, b) => order(a) - order(b));
  const externalAt = new Map(external);
  return Promise.all(
    names.map(async (name): Promise<ServiceStatus> => {
      const service = embedded.get(name);
      if (!service) {
        const at = externalAt.get(name)!;
        const ready = await answers(name, at);
        return { name, mode: 'external', endpoint: redactUrl(at), running: ready, ready };
      }
      const entry = state[name];
      const running = entry !== undefined && isAlive(entry.pid);
      const ready = running && (await service.isReady().catch(() => false));
      return {
        name,
        mode: 'embedded',
        endpoint: redactUrl(service.endpoint),
        ...(entry ? { pid: entry.pid } : {}),
        running,
        ready,
      };
    }),
  );
}
