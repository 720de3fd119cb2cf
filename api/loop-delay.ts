/**
 * Load shedding by event-loop delay: when the API's event loop runs late, every request
 * already waits that long before a single line of its handler runs, and accepting more only
 * makes the queue longer. A recovering API meets exactly this: the clients refused during
 * an outage come back together, each request costs a parse and a validation, and without
 * shedding the answers were seconds late and new connections waited in the kernel's
 * accept queue (a dropped SYN costs 1, 3, 7 s). While the loop is later than
 * `maxDelayMs`, POST /events is refused with 503 before its body is read (a few
 * microseconds each), the backlog clears, and the spread Retry-After brings the clients
 * back over several seconds instead of at once.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Refusal } from './deps.js';

export interface LoopDelayShedder {
  /** The longest delay seen in the last `windows` sampling windows, in ms. */
  readonly delayMs: number;
  /** A refusal while the loop is too late, else null. */
  refusal(): Refusal;
  stop(): void;
}

/** Samples the loop's delay every `sampleMs` (timer unref'd); remembers `windows` samples (1 s). */
export function createLoopDelayShedder({
  maxDelayMs,
  sampleMs = 250,
  windows = 4,
}: {
  maxDelayMs: number;
  sampleMs?: number;
  windows?: number;
}): LoopDelayShedder {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  const recent: number[] = [];
  const timer = setInterval(() => {
    recent.push(histogram.max / 1e6);
    if (recent.length > windows) recent.shift();
    histogram.reset();
  }, sampleMs);
  timer.unref();
  const delay = () => Math.max(0, ...recent);
  return {
    get delayMs() {
      return delay();
    },
    refusal() {
      const delayMs = delay();
      return delayMs > maxDelayMs
        ? {
            code: 'overloaded',
            message: `the collector is overloaded (its event loop ran ${Math.round(delayMs)} ms late)`,
          }
        : null;
    },
    stop() {
      clearInterval(timer);
      histogram.disable();
    },
  };
}
