/**
 * A guard around an `EventSink`: what keeps an outage and its recovery from taking
 * the API down with it.
 *
 * - While the sink is known down ({@link SinkHealth}), sends fail at once and `admission()`
 *   says so, so the route can answer 503 before reading or parsing a body.
 * - Sends in flight and the bytes they hold are capped. A send the route gave up on (its
 *   produce timeout passed) still counts until the sink settles it: kafkajs cannot cancel
 *   a send, so uncounted abandoned sends would pile up without bound while clients retry.
 *   Past either cap, new work is shed with 503 instead of queued.
 * - Every outcome (and every send still open at the produce timeout) feeds the health.
 */
import { type Refusal, SinkUnavailableError } from './deps.js';
import type { SinkHealth } from './sink-health.js';

/** The sink refused work because too much is in flight: answer 503, try again shortly. */
export class SinkBusyError extends SinkUnavailableError {
  override readonly name: string = 'SinkBusyError';
}

export interface SinkGuardOptions<M> {
  sink: { send(messages: M[]): Promise<void> };
  health: SinkHealth;
  /** Sends not yet settled, counting abandoned ones. */
  maxPendingSends: number;
  /** Characters of message values held by unsettled sends. */
  maxPendingBytes: number;
  /** A send still open after this long counts as a failure for the health. */
  produceTimeoutMs: number;
  /** The size of one message (its value's length). */
  sizeOf(message: M): number;
}

export interface SinkGuard<M> {
  send(messages: M[]): Promise<void>;
  /** Whether a new request should be let in: checked before its body is read. */
  admission(): Refusal;
  readonly pendingSends: number;
  readonly pendingBytes: number;
}

/** Wraps `sink`; pass the result to `createApp` as the sink and the gate. */
export function createSinkGuard<M>(options: SinkGuardOptions<M>): SinkGuard<M> {
  const { sink, health, maxPendingSends, maxPendingBytes, produceTimeoutMs, sizeOf } = options;
  let pendingSends = 0;
  let pendingBytes = 0;

  const admission = (): Refusal => {
    if (health.state === 'down') {
      return { code: 'sink_down', message: `the event store is unavailable (${health.status().detail})` };
    }
    if (pendingSends >= maxPendingSends) {
      return { code: 'sink_busy', message: `${pendingSends} writes to the event store are in flight` };
    }
    return null;
  };

  return {
    admission,
    get pendingSends() {
      return pendingSends;
    },
    get pendingBytes() {
      return pendingBytes;
    },
    async send(messages) {
      const refusal = admission();
      if (refusal?.code === 'sink_down') throw new SinkUnavailableError(refusal.message);
      let bytes = 0;
      for (const m of messages) bytes += sizeOf(m);
      if (refusal || (pendingBytes > 0 && pendingBytes + bytes > maxPendingBytes)) {
        throw new SinkBusyError(
          refusal?.message ?? `${pendingBytes + bytes} bytes of writes to the event store would be in flight`,
        );
      }
      pendingSends++;
      pendingBytes += bytes;
      let overdue = false;
      const timer = setTimeout(() => {
        overdue = true;
        health.recordFailure(new Error(`no acknowledgement within ${produceTimeoutMs} ms`));
      }, produceTimeoutMs);
      try {
        await sink.send(messages);
        health.recordSuccess();
      } catch (error) {
        // Counted once: an overdue send was reported when its time ran out.
        if (!overdue) health.recordFailure(error);
        throw error;
      } finally {
        clearTimeout(timer);
        pendingSends--;
        pendingBytes -= bytes;
      }
    },
  };
}
