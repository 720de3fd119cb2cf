/**
 * The real {@link EventSink}: a kafkajs producer writing to events.raw with acks=all, so
 * a 202 means every event of the request is durable in Kafka.
 *
 * When Kafka is down, kafkajs would retry for a long time; the API must answer 503 within
 * ~2 s instead, so the producer's own retries are short and the route adds a deadline. The
 * producer reconnects by itself on the next send once Kafka is back.
 */
import { type Kafka, Partitioners, type Producer } from 'kafkajs';
import { type EventSink, type SinkMessage, SinkUnavailableError } from './deps.js';
import { createSendCoalescer } from './send-coalescer.js';

export interface KafkaSink extends EventSink {
  connect(): Promise<void>;
  isReady(): Promise<boolean>;
  /** Flushes nothing (kafkajs does not buffer) but waits for in-flight sends, then disconnects. */
  close(): Promise<void>;
}

export function createKafkaSink(kafka: Kafka, topic: string): KafkaSink {
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
  const coalescer = createSendCoalescer<SinkMessage>({
    sendBatch: async (messages) => {
      await ensureConnected();
      await producer.send({ topic, acks: -1, timeout: 1500, messages });
    },
  });

  return {
    connect: ensureConnected,
    async send(messages: SinkMessage[]) {
      inFlight++;
      try {
        await coalescer.send(messages);
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
