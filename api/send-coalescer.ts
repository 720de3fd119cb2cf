/**
 * Merges the Kafka sends of concurrent requests into one produce request. kafkajs has no
 * linger: each `producer.send` is its own produce request, and the broker handles the
 * requests of one connection one at a time, so many small sends queue behind each other.
 * Here a send waits while `maxInFlight` produce requests are out: everything that arrives
 * meanwhile goes out together as soon as one returns (up to `maxChars` of record text per
 * produce request). At low load nothing waits: a lone request is sent on the next turn; under
 * load the batches grow by themselves with the broker's latency. Each request still learns
 * whether *its* parts were acknowledged.
 */
export interface CoalescerOptions {
  /** Sends one merged batch; resolves when all of it is durable. */
  sendBatch(parts: string[]): Promise<void>;
  /** Characters per merged batch: a batch is sent as soon as it holds this much. */
  maxChars?: number;
  /** Produce requests out at once; more sends wait and are merged into the next one. */
  maxInFlight?: number;
}

interface Waiting {
  parts: string[];
  resolve(): void;
  reject(error: unknown): void;
}

/** A coalescer: `send(parts)` resolves once the batch that carried `parts` is durable. */
export function createSendCoalescer({ sendBatch, maxChars = 320 * 1024, maxInFlight = 2 }: CoalescerOptions) {
  let queue: Waiting[] = [];
  let queued = 0;
  let scheduled = false;
  let inFlight = 0;

  const flush = () => {
    const batch = queue;
    queue = [];
    queued = 0;
    if (batch.length === 0) return;
    inFlight++;
    sendBatch(batch.length === 1 ? batch[0]!.parts : batch.flatMap((w) => w.parts))
      .then(
        () => {
          for (const w of batch) w.resolve();
        },
        (error: unknown) => {
          for (const w of batch) w.reject(error);
        },
      )
      .finally(() => {
        inFlight--;
        // What queued up while this was out goes now, as one request.
        if (queue.length > 0 && !scheduled) schedule();
      });
  };

  const schedule = () => {
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      if (inFlight < maxInFlight) flush();
    });
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
        else if (!scheduled) schedule();
      });
    },
  };
}
