/**
 * The Kafka side of the consumer: a kafkajs group member on events.raw. Each partition
 * batch is turned into outcomes and handed to the flush buffer; its offsets are committed
 * (highest offset + 1) only once the buffer reports the batch loaded (the rules are in
 * offset-commits.ts).
 *
 * Pipelining: while one insert runs, the next fetch is already being parsed, so Kafka
 * reads, enrichment and ClickHouse inserts overlap. kafkajs moves its in-memory fetch
 * position when the handler returns; the *committed* offset moves only after the insert,
 * so a crash replays (deduplicated), never skips. Backpressure: once `maxPendingRows` wait
 * (e.g. ClickHouse is down), handlers wait for their load, heartbeating so the group does
 * not rebalance, and no new fetch happens: Kafka holds the backlog.
 */
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { Logger } from '../lib/logger.js';
import type { FlushBuffer } from './flush-buffer.js';
import type { ConsumerMetrics } from './metrics.js';
import { awaitWithHeartbeat, createOffsetCommits, lagAfter } from './offset-commits.js';
import type { MessageOutcome } from './outcome.js';
import { type BatchOutcomes, toOutcomesInChunks } from './outcomes-in-chunks.js';
import type { ConsumerReadiness } from './readiness.js';

export interface ConsumerLoopDeps {
  kafka: Kafka;
  topic: string;
  groupId: string;
  partitionsConsumedConcurrently: number;
  sessionTimeoutMs: number;
  /** Stop fetching while this many rows are not loaded yet. */
  maxPendingRows: number;
  buffer: FlushBuffer<MessageOutcome>;
  /**
   * Turns the records of one partition batch into outcomes (one per event) and their bytes;
   * `heartbeat` keeps the membership while it waits (for a salt).
   */
  toOutcomes(batch: EachBatchPayload['batch'], heartbeat: () => Promise<void>): Promise<BatchOutcomes>;
  /** Told of joins, rebalances, crashes and fetches. */
  readiness: ConsumerReadiness;
  metrics: ConsumerMetrics;
  logger: Logger;
}

export interface ConsumerLoop {
  start(): Promise<void>;
  /** Drains: loads what is buffered, commits it, leaves the group. */
  stop(): Promise<void>;
  isHealthy(): boolean;
}

export function createConsumerLoop(deps: ConsumerLoopDeps): ConsumerLoop {
  const { logger, metrics } = deps;
  let healthy = false;
  const { readiness } = deps;
  const consumer: Consumer = deps.kafka.consumer({
    groupId: deps.groupId,
    sessionTimeout: deps.sessionTimeoutMs,
    // Several heartbeats per session, so one late beat on a busy machine is not an eviction.
    heartbeatInterval: Math.max(100, Math.min(3000, Math.floor(deps.sessionTimeoutMs / 6))),
    // Bigger fetches make bigger inserts; the broker waits up to 100 ms to fill one.
    minBytes: 64 * 1024,
    maxWaitTimeInMs: 100,
    maxBytesPerPartition: 4 * 1024 * 1024,
    // Reconnect fast once a broker is back: kafkajs's default backoff grows to 30 s between
    // attempts, which alone delayed recovery by up to 30 s after a broker restart. About a
    // minute of attempts keeps this member (and its member id, so the rejoin is immediate)
    // before kafkajs restarts the consumer.
    retry: { initialRetryTime: 250, maxRetryTime: 2000, retries: 30 },
  });

  consumer.on(consumer.events.CRASH, ({ payload }) => {
    logger.error({ err: payload.error, restart: payload.restart }, 'consumer_crashed');
    healthy = payload.restart;
    readiness.assigned(0, `crashed (${payload.error.message}); ${payload.restart ? 'restarting' : 'not restarting'}`);
  });
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    healthy = true;
    const partitions = Object.values(payload.memberAssignment).reduce((n, list) => n + list.length, 0);
    readiness.assigned(partitions, 'the group gave this member no partitions (more members than partitions)');
    logger.info({ assignment: payload.memberAssignment }, 'consumer_group_joined');
  });
  consumer.on(consumer.events.REBALANCING, () => readiness.assigned(0, 'rebalancing'));
  consumer.on(consumer.events.FETCH, () => readiness.fetched());
  consumer.on(consumer.events.STOP, () => readiness.assigned(0, 'stopped'));

  const commits = createOffsetCommits<MessageOutcome>({
    buffer: deps.buffer,
    maxPendingRows: deps.maxPendingRows,
    commit: (offset) => consumer.commitOffsets([offset]),
    onCommitted: (batch) =>
      metrics.lag.set({ partition: String(batch.partition) }, lagAfter(batch.highWatermark, batch.lastOffset)),
    // Not committed: these offsets are consumed again after a restart or rebalance, and
    // deduplicated then. Nothing is lost.
    onSkipped: (batch, error) =>
      logger.warn({ err: error, partition: batch.partition, offset: batch.lastOffset }, 'commit_skipped'),
  });

  const eachBatch = async ({ batch, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> => {
    if (batch.messages.length === 0 || !isRunning() || isStale()) return;
    const { outcomes, bytes } = await toOutcomesInChunks(batch, deps.toOutcomes, heartbeat);
    if (!isRunning() || isStale()) return; // revoked while waiting: not ours to load any more
    const position = {
      topic: batch.topic,
      partition: batch.partition,
      lastOffset: batch.messages[batch.messages.length - 1]!.offset,
      highWatermark: batch.highWatermark,
    };
    const { committed, mustWait } = commits.track(position, outcomes, bytes);
    if (mustWait) await awaitWithHeartbeat(committed, heartbeat);
  };

  return {
    async start() {
      await consumer.connect();
      await consumer.subscribe({ topic: deps.topic, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: true,
        partitionsConsumedConcurrently: deps.partitionsConsumedConcurrently,
        eachBatch,
      });
      healthy = true;
    },
    async stop() {
      // Drain while still a group member (commits need the membership), then leave.
      await commits.drain();
      await consumer.disconnect();
      healthy = false;
    },
    isHealthy: () => healthy,
  };
}
