/**
 * The faults of the run, one at a time, on the private stack: Kafka, ClickHouse and
 * Postgres each killed with SIGKILL and started again after an outage, and the consumer
 * killed with SIGKILL and restarted at once (as a supervisor would). The Postgres fault
 * also restarts the consumer while Postgres is away, so the new consumer must wait for
 * the day's visitor salt. Only processes this run started are signalled, by pid.
 *
 * Each fault reports when it began and ended (the service ready again, or the consumer
 * restarted) and, measured after its end, how long the consumer took to commit every
 * record that was on the topic at that moment (see backlog.ts).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka } from 'kafkajs';
import { descendants } from '../bench/process-stats.js';
import type { BenchStack } from '../bench/stack.js';
import { isAlive } from '../local/process-control.js';
import { behind, committedOffsets, topicEnds, waitUntilCommitted } from './backlog.js';

export type FaultName = 'kafka' | 'clickhouse' | 'postgres' | 'consumer';

export interface FaultRecord {
  name: FaultName;
  /** What was done, in words. */
  what: string;
  /** ms since the run's epoch. */
  startedAt: number;
  endedAt: number;
  /** Records on the topic not yet committed when the fault ended. */
  backlogAtEnd: number;
  /** From the fault's end until that backlog was committed (undefined: not within the wait). */
  recoveryMs: number | undefined;
}

/** SIGKILLs a process and its descendants (Postgres backends), and waits until they are gone. */
async function killTree(pid: number): Promise<void> {
  const pids = [pid, ...descendants(pid)];
  for (const p of pids) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  const deadline = performance.now() + 30_000;
  while (pids.some(isAlive) && performance.now() < deadline) await sleep(50);
}

export interface FaultContext {
  stack: BenchStack;
  kafka: Kafka;
  outageMs: number;
  epoch: number;
  log: (message: string) => void;
  /** Longest wait for the backlog after a fault. */
  recoveryTimeoutMs?: number;
}

async function restartConsumer(ctx: FaultContext): Promise<void> {
  await killTree(ctx.stack.rolePids.consumer);
  await ctx.stack.startRole('consumer');
}

/** Runs one fault and measures the recovery after it. */
export async function runFault(name: FaultName, ctx: FaultContext): Promise<FaultRecord> {
  const { stack } = ctx;
  const now = () => performance.now() - ctx.epoch;
  const startedAt = now();
  let what: string;
  let endedAt: number;
  if (name === 'consumer') {
    what = 'consumer SIGKILL, restarted at once';
    const pid = stack.rolePids.consumer;
    await killTree(pid);
    endedAt = now();
    // The new process is the end of the fault; it joins once the dead member times out.
    void stack
      .startRole('consumer')
      .catch((error: Error) => ctx.log(`chaos: consumer restart failed: ${error.message}`));
  } else {
    what = `${name} SIGKILL, down ${Math.round(ctx.outageMs / 1000)} s, started again`;
    await killTree(stack.servicePids[name]);
    if (name === 'postgres') {
      // A consumer (re)started while Postgres is away has no salt for the day yet.
      await sleep(Math.min(3000, ctx.outageMs / 3));
      what += '; consumer SIGKILLed and restarted during the outage';
      await restartConsumer(ctx).catch((error: Error) => ctx.log(`chaos: consumer restart failed: ${error.message}`));
    }
    const left = ctx.outageMs - (now() - startedAt);
    if (left > 0) await sleep(left);
    ctx.log(`chaos: starting ${name} again`);
    await stack.restartService(name);
    endedAt = now();
  }
  const topic = stack.config.kafka.topicRaw;
  const groupId = stack.config.kafka.consumerGroup;
  const ends = await topicEnds(ctx.kafka, topic);
  const committed = await committedOffsets(ctx.kafka, topic, groupId).catch(() => new Map<number, bigint>());
  const recoveryMs = await waitUntilCommitted(ctx.kafka, {
    topic,
    groupId,
    ends,
    since: endedAt + ctx.epoch,
    timeoutMs: ctx.recoveryTimeoutMs ?? 120_000,
  });
  return { name, what, startedAt, endedAt, backlogAtEnd: behind(ends, committed), recoveryMs };
}
