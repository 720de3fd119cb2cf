/**
 * Merges the Kafka sends of concurrent requests into one. kafkajs has no linger: each
 * `producer.send` is its own produce request, with its own record batch and round trip.
 * Under load many requests are in flight at once; those whose parts are ready in the same
 * event-loop turn go out together (up to `maxChars` of record text per produce request),
 * and each request still learns whether *its* parts were acknowledged. At low load nothing
 * waits: a lone request is sent on the next turn, as before.
 */
export interface CoalescerOptions {
  /** Sends one merged batch; resolves when all of it is durable. */
  sendBatch(parts: string[]): Promise<void>;
  /** Characters per merged batch: a batch is sent as soon as it holds this much. */
  maxChars?: number;
}

interface Waiting {
  parts: string[];
  resolve(): void;
  reject(error: unknown): void;
}

/** A coalescer: `send(parts)` resolves once the batch that carried `parts` is durable. */
export function createSendCoalescer({ sendBatch, maxChars = 320 * 1024 }: CoalescerOptions) {
  let queue: Waiting[] = [];
  let queued = 0;
  let scheduled = false;

  const flush = () => {
    const batch = queue;
    queue = [];
    queued = 0;
    if (batch.length === 0) return;
    sendBatch(batch.length === 1 ? batch[0]!.parts : batch.flatMap((w) => w.parts)).then(
      () => {
        for (const w of batch) w.resolve();
      },
      (error: unknown) => {
        for (const w of batch) w.reject(error);
      },
    );
  };

  return {
    send(parts: string[]): Promise<void> {
      return new Promise<void>((resolve, reject) => {
        let chars = 0;
        for (const part of parts) chars += part.length;
        // A request that would push the batch over the cap starts the next one.
        if (queued > 0 && queued + chars > maxChars) flush();
        queue.push({ parts, resolve, reject });
        queued += chars;
        if (queued >= maxChars) flush();
        else if (!scheduled) {
          scheduled = true;
          setImmediate(() => {
            scheduled = false;
            flush();
          });
        }
      });
    },
  };
}
