/**
 * The embedded Kafka: Apache Kafka 4.x in KRaft mode, one node that is both broker and
 * controller, run with the machine's Java from jars fetched by ./jars.ts.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { embeddedKafkaBroker } from '../../lib/endpoints.js';
import type { EmbeddedService } from '../embedded-service.js';
import { isPortFree } from '../process-control.js';
import { ensureKafkaJars, LOG4J_CONFIG } from './jars.js';
import { answers } from '../probes.js';

const run = promisify(execFile);

function serverProperties(o: { port: number; controllerPort: number; logDir: string; partitions: number }): string {
  return [
    '# Written by clickstream at every start of the embedded Kafka; edits are overwritten.',
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${o.controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${o.port},CONTROLLER://127.0.0.1:${o.controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${o.port}`,
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name=PLAINTEXT',
    `log.dirs=${o.logDir}`,
    `num.partitions=${o.partitions}`,
    // Topics are created explicitly (lib/kafka.ts); a typo must not create a new one.
    'auto.create.topics.enable=false',
    'offsets.topic.replication.factor=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    // A single node has no one to wait for: consumers join at once.
    'group.initial.rebalance.delay.ms=0',
    'log.retention.hours=168',
    '',
  ].join('\n');
}

export function kafkaService(options: {
  dataDir: string;
  port: number;
  controllerPort: number;
  heapMb: number;
  partitions: number;
}): EmbeddedService {
  const home = path.join(options.dataDir, 'kafka');
  const logDir = path.join(home, 'data');
  const configFile = path.join(home, 'server.properties');
  const brokers = [embeddedKafkaBroker(options.port)];
  let classpath = '';
  const java = (main: string, args: string[]) => [
    `-Xms128m`,
    `-Xmx${options.heapMb}m`,
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${LOG4J_CONFIG}`,
    '-cp',
    classpath,
    main,
    ...args,
  ];

  return {
    name: 'kafka',
    endpoint: brokers.join(','),
    stopSignal: 'SIGTERM',
    readyTimeoutMs: 90_000,
    async preflight() {
      for (const [port, variable] of [
        [options.port, 'LOCAL_KAFKA_PORT'],
        [options.controllerPort, 'LOCAL_KAFKA_CONTROLLER_PORT'],
      ] as const) {
        if (!(await isPortFree(port))) {
          throw new Error(
            `Kafka cannot listen: port ${port} on 127.0.0.1 is taken by another process; stop it or set ${variable}.`,
          );
        }
      }
    },
    async prepare(log) {
      classpath = await ensureKafkaJars(log);
      fs.mkdirSync(logDir, { recursive: true });
      fs.writeFileSync(configFile, serverProperties({ ...options, logDir }));
      if (fs.existsSync(path.join(logDir, 'meta.properties'))) return;
      log(`kafka: formatting storage in ${logDir}`);
      // `--cluster-id=ID`, not `-t ID`: one random id in 64 starts with '-', which the
      // tool's argument parser then reads as a flag and refuses (seen in CI).
      const clusterId = randomBytes(16).toString('base64url');
      await run('java', java('kafka.tools.StorageTool', ['format', `--cluster-id=${clusterId}`, '-c', configFile]), {
        timeout: 120_000,
      });
    },
    command() {
      return { file: 'java', args: java('kafka.Kafka', [configFile]) };
    },
    isReady: () => answers('kafka', brokers.join(',')),
  };
}
