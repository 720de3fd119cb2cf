/**
 * Whether the event sink can take writes right now, as the API's readiness and its
 * admission gate need to know it.
 *
 * kafkajs cannot say: its producer reports "disconnected" only after an explicit
 * `disconnect()`, and stays "connected" through a dead broker. So the answer is learned
 * from two sources: the outcome of real sends (a run of failures or timeouts means down,
 * any success means up), and an active probe (a metadata request: are the topic's
 * partitions led?). The probe runs every second while down, so recovery is seen without
 * any client traffic (a load balancer sends none to an instance it took out of rotation),
 * and while up whenever no send has succeeded for a while, so an idle instance still
 * notices a dead broker.
 */
import type { DependencyStatus } from '../lib/readiness.js';

export type SinkState = 'up' | 'down';

export interface SinkHealthOptions {
  /** Resolves when the sink could take a write; rejects (with why) when it could not. */
  probe: () => Promise<void>;
  /** A probe slower than this counts as failed. */
  probeTimeoutMs?: number;
  /** Probe period while down. */
  downProbeMs?: number;
  /** While up, probe when no send has succeeded for this long. */
  idleProbeMs?: number;
  /** Consecutive failed sends that mean down (one failure alone can be a leader move). */
  failuresToTrip?: number;
  /** Told of each change (for a log line). */
  onChange?: (state: SinkState, detail: string) => void;
  now?: () => number;
}

export interface SinkHealthStatus extends DependencyStatus {
  state: SinkState;
  /** Since when (ISO time) the sink is in this state. */
  since: string;
}

export interface SinkHealth {
  readonly state: SinkState;
  /** Seconds since the sink went down; 0 while up. */
  outageSeconds(): number;
  /** A send was acknowledged. */
  recordSuccess(): void;
  /** A send failed or did not finish within the produce timeout. */
  recordFailure(error: unknown): void;
  status(): SinkHealthStatus;
  /** Starts probing (the first probe at once). */
  start(): void;
  stop(): void;
}

/** Starts in `down` ("not checked yet") until the first probe or send says otherwise. */
export function createSinkHealth({
  probe,
  probeTimeoutMs = 1500,
  downProbeMs = 1000,
  idleProbeMs = 5000,
  failuresToTrip = 3,
  onChange,
  now = Date.now,
}: SinkHealthOptions): SinkHealth {
  let state: SinkState = 'down';
  let detail = 'not checked yet';
  let since = now();
  let failures = 0;
  let lastSuccess = 0;
  let timer: NodeJS.Timeout | undefined;
  let probing = false;
  let running = false;

  const set = (next: SinkState, why: string) => {
    detail = why;
    if (next === state) return;
    state = next;
    since = now();
    onChange?.(next, why);
  };

  const runProbe = async () => {
    if (probing) return;
    probing = true;
    let deadline: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        probe(),
        new Promise<never>((_, reject) => {
          deadline = setTimeout(() => reject(new Error(`no answer within ${probeTimeoutMs} ms`)), probeTimeoutMs);
        }),
      ]);
      failures = 0;
      lastSuccess = now();
      set('up', 'probe answered');
    } catch (error) {
      set('down', `probe failed: ${describe(error)}`);
    } finally {
      clearTimeout(deadline);
      probing = false;
    }
  };

  const schedule = () => {
    if (!running) return;
    timer = setTimeout(
      () => {
        const due = state === 'down' || now() - lastSuccess >= idleProbeMs;
        void (due ? runProbe() : Promise.resolve()).finally(schedule);
      },
      state === 'down' ? downProbeMs : Math.min(downProbeMs, idleProbeMs),
    );
    timer.unref();
  };

  return {
    get state() {
      return state;
    },
    outageSeconds() {
      return state === 'down' ? (now() - since) / 1000 : 0;
    },
    recordSuccess() {
      failures = 0;
      lastSuccess = now();
      set('up', 'sends acknowledged');
    },
    recordFailure(error) {
      failures++;
      if (failures >= failuresToTrip) set('down', `${failures} sends in a row failed, last: ${describe(error)}`);
    },
    status() {
      return { ok: state === 'up', state, detail, since: new Date(since).toISOString() };
    },
    start() {
      if (running) return;
      running = true;
      void runProbe().finally(schedule);
    },
    stop() {
      running = false;
      clearTimeout(timer);
    },
  };
}

function describe(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 300);
}
