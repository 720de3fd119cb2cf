/**
 * The active check behind the API's sink health: can Kafka take a write to the topic now?
 * A metadata request on an admin connection of its own: it answers when the broker is up
 * and says whether every partition of the topic has a leader (a produce to a leaderless
 * partition cannot succeed). No retries: the health asks again a second later.
 */
import type { Admin, Kafka } from 'kafkajs';

export interface KafkaProbe {
  /** Resolves when every partition of the topic is led; rejects saying why not. */
  check(): Promise<void>;
  close(): Promise<void>;
}

export function createKafkaProbe(kafka: Kafka, topic: string): KafkaProbe {
  const admin: Admin = kafka.admin({ retry: { retries: 0 } });
  let connecting: Promise<void> | undefined;
  return {
    async check() {
      connecting ??= admin.connect().catch((error: unknown) => {
        connecting = undefined;
        throw error;
      });
      await connecting;
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      const partitions = topics[0]?.partitions ?? [];
      if (partitions.length === 0) throw new Error(`topic ${topic} has no partitions`);
      const leaderless = partitions.filter((p) => p.leader < 0).length;
      if (leaderless > 0)
        throw new Error(`${leaderless} of ${partitions.length} partitions of ${topic} have no leader`);
    },
    async close() {
      await admin.disconnect().catch(() => {});
    },
  };
}
