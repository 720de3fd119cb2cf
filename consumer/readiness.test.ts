import { describe, expect, it } from 'vitest';
import { createConsumerReadiness } from './readiness.js';

function clocked() {
  const clock = { t: 0 };
  const readiness = createConsumerReadiness({ stallMs: 10_000, now: () => clock.t });
  return { clock, readiness };
}

describe('createConsumerReadiness', () => {
  it('is not ready until the group gives it partitions', () => {
    const { readiness } = clocked();
    expect(readiness.report()).toMatchObject({
      ready: false,
      dependencies: { kafka: { ok: false, detail: 'joining the consumer group' } },
    });
    readiness.assigned(4);
    expect(readiness.report()).toMatchObject({
      ready: true,
      dependencies: { kafka: { detail: 'holds 4 partitions' } },
    });
  });

  it.each([
    ['a rebalance', (r: ReturnType<typeof createConsumerReadiness>) => r.assigned(0, 'rebalancing'), 'kafka'],
    ['a crash', (r: ReturnType<typeof createConsumerReadiness>) => r.assigned(0, 'crashed; restarting'), 'kafka'],
    [
      'failing inserts',
      (r: ReturnType<typeof createConsumerReadiness>) => r.insertFailed(new Error('ECONNREFUSED')),
      'clickhouse',
    ],
    [
      'a missing salt',
      (r: ReturnType<typeof createConsumerReadiness>) => r.saltWaiting(new Error('pg down')),
      'postgres',
    ],
  ])('is not ready during %s, naming the dependency', (_name, event, dependency) => {
    const { readiness } = clocked();
    readiness.assigned(2);
    event(readiness);
    const report = readiness.report();
    expect(report.ready).toBe(false);
    expect(report.dependencies[dependency]!.ok).toBe(false);
  });

  it('is ready again once inserts succeed and the salt is in', () => {
    const { readiness } = clocked();
    readiness.assigned(2);
    readiness.insertFailed(new Error('x'));
    readiness.saltWaiting(new Error('y'));
    readiness.insertSucceeded();
    readiness.saltWaiting(undefined);
    expect(readiness.report().ready).toBe(true);
  });

  it('is not ready when nothing was fetched nor loaded for the stall time (a dead broker)', () => {
    const { clock, readiness } = clocked();
    readiness.assigned(2);
    clock.t = 9000;
    expect(readiness.report().ready).toBe(true);
    readiness.fetched();
    clock.t = 20_000;
    expect(readiness.report()).toMatchObject({
      ready: false,
      dependencies: { kafka: { detail: 'holds 2 partitions but fetched and loaded nothing for 11 s' } },
    });
    readiness.fetched();
    expect(readiness.report().ready).toBe(true);
  });
});
