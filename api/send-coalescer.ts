/**
 * Merges the Kafka sends of concurrent requests into one. kafkajs has no linger: each
 * `producer.send` is its own produce request, with its own record batch and round trip.
 * Under load many requests are in flight at once; those whose events are ready in the same
 * event-loop turn go out together (up to `maxMessages`), and each request still learns
 * whether *its* events were acknowledged. At low load nothing waits: a lone request is
 * sent on the next turn, as before.
 */
export interface CoalescerOptions<M> {
  /** Sends one merged batch; resolves when all of it is durable. */
  sendBatch(messages: M[]): Promise<void>;
  maxMessages?: number;
}

interface Waiting<M> {
  messages: M[];
  resolve(): void;
  reject(error: unknown): void;
}

// 1000, not more: kafkajs puts a produce request's messages for one partition into one
// record batch, which the broker refuses whole past message.max.bytes (1 MiB). After an
// outage the clients' retries arrive together and merged sends of 5000 events (~4 MB) were
// refused again and again (MESSAGE_TOO_LARGE), so the API could not recover.
export function createSendCoalescer<M>({ sendBatch, maxMessages = 1000 }: CoalescerOptions<M>) {
  let queue: Waiting<M>[] = [];
  let queued = 0;
  let scheduled = false;

  const flush = () => {
    scheduled = false;
    const batch = queue;
    queue = [];
    queued = 0;
    if (batch.length === 0) return;
    sendBatch(batch.flatMap((w) => w.messages)).then(
      () => {
        for (const w of batch) w.resolve();
      },
      (error: unknown) => {
        for (const w of batch) w.reject(error);
      },
    );
  };

  return {
    send(messages: M[]): Promise<void> {
      return new Promise<void>((resolve, reject) => {
        queue.push({ messages, resolve, reject });
        queued += messages.length;
        if (queued >= maxMessages) flush();
        else if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
    },
  };
}
