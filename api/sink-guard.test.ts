import { describe, expect, it } from 'vitest';
import { withDeadline } from './deadline.js';
import { SinkUnavailableError } from './deps.js';
import { createSinkGuard, SinkBusyError } from './sink-guard.js';
import { createSinkHealth } from './sink-health.js';

/** A sink whose sends stay open until the test settles them. */
function manualSink() {
  const open: Array<{ resolve(): void; reject(e: Error): void }> = [];
  return {
    open,
    send: (_messages: string[]) => new Promise<void>((resolve, reject) => open.push({ resolve, reject })),
  };
}

function guardOver(
  sink: ReturnType<typeof manualSink>,
  limits: { sends?: number; bytes?: number; timeoutMs?: number },
) {
  const health = createSinkHealth({ probe: async () => {}, failuresToTrip: 2 });
  health.recordSuccess();
  const guard = createSinkGuard<string>({
    sink,
    health,
    maxPendingSends: limits.sends ?? 100,
    maxPendingBytes: limits.bytes ?? 1_000_000,
    produceTimeoutMs: limits.timeoutMs ?? 60_000,
    sizeOf: (m) => m.length,
  });
  return { guard, health };
}

describe('createSinkGuard', () => {
  it('counts sends until the sink settles them, and refuses new work past the cap', async () => {
    const sink = manualSink();
    const { guard } = guardOver(sink, { sends: 2 });
    const a = guard.send(['a']);
    const b = guard.send(['b']);
    expect(guard.pendingSends).toBe(2);
    expect(guard.admission()).toMatchObject({ code: 'sink_busy' });
    await expect(guard.send(['c'])).rejects.toBeInstanceOf(SinkBusyError);
    sink.open[0]!.resolve();
    await a;
    expect(guard.pendingSends).toBe(1);
    expect(guard.admission()).toBeNull();
    sink.open[1]!.resolve();
    await b;
  });

  it('keeps counting a send the caller gave up on: abandoned sends cannot pile up', async () => {
    const sink = manualSink();
    const { guard } = guardOver(sink, { sends: 3 });
    const answers = await Promise.all([0, 1, 2].map((i) => withDeadline(() => guard.send([`m${i}`]), 10)));
    expect(answers.map((a) => a.kind)).toEqual(['timeout', 'timeout', 'timeout']); // the requests gave up
    expect(guard.pendingSends).toBe(3);
    await expect(guard.send(['more'])).rejects.toBeInstanceOf(SinkBusyError);
  });

  it('caps the bytes held by unsettled sends (a lone big send still goes)', async () => {
    const sink = manualSink();
    const { guard } = guardOver(sink, { bytes: 10 });
    const big = guard.send(['x'.repeat(50)]);
    expect(guard.pendingBytes).toBe(50);
    await expect(guard.send(['y'])).rejects.toThrow(/bytes of writes/);
    sink.open[0]!.resolve();
    await big;
    expect(guard.pendingBytes).toBe(0);
  });

  it('feeds the health: failures and overdue sends mark the sink down, then sends fail at once', async () => {
    const sink = manualSink();
    const { guard, health } = guardOver(sink, { timeoutMs: 10 });
    const first = guard.send(['a']).catch((e: Error) => e);
    sink.open[0]!.reject(new Error('Connection error: ECONNREFUSED'));
    await first;
    expect(health.state).toBe('up');
    void guard.send(['b']).catch(() => {}); // never settles: overdue after 10 ms
    await new Promise((r) => setTimeout(r, 30));
    expect(health.state).toBe('down');
    expect(guard.admission()).toMatchObject({ code: 'sink_down' });
    await expect(guard.send(['c'])).rejects.toBeInstanceOf(SinkUnavailableError);
    expect(sink.open).toHaveLength(2); // the refused send never reached the sink
  });

  it('a success brings the sink back up', async () => {
    const sink = manualSink();
    const { guard, health } = guardOver(sink, {});
    health.recordFailure(new Error('x'));
    const sent = guard.send(['a']);
    sink.open[0]!.resolve();
    await sent;
    expect(health.state).toBe('up');
  });
});
