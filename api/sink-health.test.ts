import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSinkHealth } from './sink-health.js';

/** A probe the test switches between answering and failing; counts its calls. */
function switchableProbe() {
  const p = {
    up: true,
    calls: 0,
    check: async () => {
      p.calls++;
      if (!p.up) throw new Error('connect ECONNREFUSED 127.0.0.1:9092');
    },
  };
  return p;
}

describe('createSinkHealth', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('starts down ("not checked yet") and is up once the first probe answers', async () => {
    const probe = switchableProbe();
    const health = createSinkHealth({ probe: probe.check });
    expect(health.status()).toMatchObject({ ok: false, detail: 'not checked yet' });
    health.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(health.status()).toMatchObject({ ok: true, state: 'up' });
    health.stop();
  });

  it('goes down after a run of failed sends (one alone is tolerated), up again on a success', () => {
    const health = createSinkHealth({ probe: async () => {}, failuresToTrip: 3 });
    health.recordSuccess();
    health.recordFailure(new Error('NOT_LEADER_FOR_PARTITION'));
    health.recordFailure(new Error('x'));
    expect(health.state).toBe('up');
    health.recordSuccess();
    health.recordFailure(new Error('x'));
    health.recordFailure(new Error('x'));
    expect(health.state).toBe('up');
    health.recordFailure(new Error('Connection timeout'));
    expect(health.status()).toMatchObject({ ok: false, detail: '3 sends in a row failed, last: Connection timeout' });
    health.recordSuccess();
    expect(health.state).toBe('up');
  });

  it('while down, probes every second and comes back up with no traffic at all', async () => {
    const probe = switchableProbe();
    const changes: string[] = [];
    const health = createSinkHealth({ probe: probe.check, onChange: (s) => changes.push(s) });
    health.start();
    await vi.advanceTimersByTimeAsync(0);
    probe.up = false;
    for (let i = 0; i < 3; i++) health.recordFailure(new Error('x'));
    const before = probe.calls;
    await vi.advanceTimersByTimeAsync(5000);
    expect(probe.calls - before).toBe(5);
    expect(health.status().detail).toMatch(/probe failed: connect ECONNREFUSED/);
    probe.up = true;
    await vi.advanceTimersByTimeAsync(1000);
    expect(health.state).toBe('up');
    expect(changes).toEqual(['up', 'down', 'up']);
    health.stop();
  });

  it('says how long the sink has been down', async () => {
    let t = 1_000_000;
    const health = createSinkHealth({ probe: async () => {}, failuresToTrip: 1, now: () => t });
    health.recordSuccess();
    expect(health.outageSeconds()).toBe(0);
    health.recordFailure(new Error('x'));
    t += 30_000;
    expect(health.outageSeconds()).toBe(30);
    health.recordSuccess();
    expect(health.outageSeconds()).toBe(0);
  });

  it('while up and idle, probes anyway, so a dead broker is noticed without traffic', async () => {
    const probe = switchableProbe();
    const health = createSinkHealth({ probe: probe.check, idleProbeMs: 5000 });
    health.start();
    await vi.advanceTimersByTimeAsync(0);
    probe.up = false;
    await vi.advanceTimersByTimeAsync(6000);
    expect(health.state).toBe('down');
    health.stop();
  });

  it('while sends succeed, does not probe', async () => {
    const probe = switchableProbe();
    const health = createSinkHealth({ probe: probe.check, idleProbeMs: 5000 });
    health.start();
    await vi.advanceTimersByTimeAsync(0);
    const before = probe.calls;
    for (let i = 0; i < 20; i++) {
      health.recordSuccess();
      await vi.advanceTimersByTimeAsync(1000);
    }
    expect(probe.calls).toBe(before);
    health.stop();
  });

  it('a probe that hangs counts as failed after its timeout', async () => {
    const health = createSinkHealth({ probe: () => new Promise<void>(() => undefined), probeTimeoutMs: 1500 });
    health.recordSuccess();
    health.start();
    await vi.advanceTimersByTimeAsync(1500);
    expect(health.status()).toMatchObject({ ok: false, detail: 'probe failed: no answer within 1500 ms' });
    health.stop();
  });
});
