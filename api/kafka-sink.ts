/**
 * The real {@link EventSink}: a kafkajs producer writing v2 records to events.raw with
 * acks=all, so a 202 means every event of the request is durable in Kafka.
 *
 * When Kafka is down, kafkajs would retry for a long time; the API must answer 503 within
 * ~2 s instead, so the producer's own retries are short and the route adds a deadline. The
 * producer reconnects by itself on the next send once Kafka is back.
 */
import { type Kafka, Partitioners, type Producer } from 'kafkajs';
import { groupParts, MAX_RECORD_CHARS } from '../lib/wire/index.js';
import { type EventSink, SinkUnavailableError } from './deps.js';
import { createSendCoalescer } from './send-coalescer.js';

export interface KafkaSink extends EventSink {
  connect(): Promise<void>;
  isReady(): Promise<boolean>;
  /** Flushes nothing (kafkajs does not buffer) but waits for in-flight sends, then disconnects. */
  close(): Promise<void>;
}

/** How request parts become records: one record per request, or the concurrent requests' parts together. */
export type RecordGrouping = 'request' | 'concurrent';

export interface KafkaSinkOptions {
  grouping?: RecordGrouping;
}

/**
 * Characters of record values per produce request. The broker checks each partition's record
 * batch against `message.max.bytes` (1 MiB by default) and kafkajs puts all of a request's
 * records for one partition in one batch: staying under it whatever the spread is safe.
 */
const MAX_SEND_CHARS = 320 * 1024;

export function createKafkaSink(
  kafka: Kafka,
  topic: string,
  { grouping = 'request' }: KafkaSinkOptions = {},
): KafkaSink {
  const producer: Producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
    // Fail fast: the client retries (with Retry-After); a request must not hang.
    retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 500 },
  });
  let connected = false;
  let connecting: Promise<void> | undefined;
  let inFlight = 0;
  const ensureConnected = (): Promise<void> => {
    if (connected) return Promise.resolve();
    connecting ??= producer.connect().finally(() => (connecting = undefined));
    return connecting;
  };
  producer.on(producer.events.CONNECT, () => (connected = true));
  producer.on(producer.events.DISCONNECT, () => (connected = false));
  // Concurrent requests share one produce request (see send-coalescer.ts).
  const coalescer = createSendCoalescer({
    maxChars: MAX_SEND_CHARS,
    sendBatch: async (parts) => {
      await ensureConnected();
      const values = groupParts(parts, MAX_RECORD_CHARS, grouping === 'request' ? 1 : Infinity);
      // No key: the default partitioner then goes round-robin, so partitions stay even
      // however much of the traffic one site sends, and no key can hold a visitor's IP.
      await producer.send({ topic, acks: -1, timeout: 1500, messages: values.map((value) => ({ value })) });
    },
  });

  return {
    connect: ensureConnected,
    async send(parts: string[]) {
      inFlight++;
      try {
        await coalescer.send(parts);
      } catch (error) {
        throw new SinkUnavailableError(`kafka: ${(error as Error).message}`, { cause: error });
      } finally {
        inFlight--;
      }
    },
    async isReady() {
      return connected;
    },
    async close() {
      const deadline = Date.now() + 5000;
      while (inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      await producer.disconnect();
    },
  };
}
