/**
 * Turning a partition batch into outcomes without going silent towards the group.
 */
import type { EachBatchPayload } from 'kafkajs';
import type { MessageOutcome } from './outcome.js';

/** Record bytes turned into outcomes between two heartbeats (~1,500 events of ~700 bytes). */
const CHUNK_BYTES = 1024 * 1024;

export interface BatchOutcomes {
  outcomes: MessageOutcome[];
  /** Bytes of the record values. */
  bytes: number;
}

type ToOutcomes = (batch: EachBatchPayload['batch'], heartbeat: () => Promise<void>) => Promise<BatchOutcomes>;

/**
 * The batch's outcomes, about a MiB of records at a time with a heartbeat between chunks.
 * kafkajs sends heartbeats only when asked; a fetch of 4 partitions × 4 MiB is tens of
 * thousands of events, seconds of synchronous work on a busy machine, and a member silent for
 * the session timeout (6 s) is evicted: its commits are refused and its partitions reassigned
 * mid-batch (seen under a load average of 20). A heartbeat is a no-op until its interval has
 * passed.
 */
export async function toOutcomesInChunks(
  batch: EachBatchPayload['batch'],
  toOutcomes: ToOutcomes,
  heartbeat: () => Promise<void>,
  chunkBytes = CHUNK_BYTES,
): Promise<BatchOutcomes> {
  const chunks: Array<EachBatchPayload['batch']['messages']> = [];
  let current: EachBatchPayload['batch']['messages'] = [];
  let size = 0;
  for (const message of batch.messages) {
    current.push(message);
    size += message.value?.length ?? 0;
    if (size >= chunkBytes) {
      chunks.push(current);
      current = [];
      size = 0;
    }
  }
  if (current.length > 0) chunks.push(current);
  if (chunks.length <= 1) return toOutcomes(batch, heartbeat);
  const all: BatchOutcomes = { outcomes: [], bytes: 0 };
  for (const [i, messages] of chunks.entries()) {
    if (i > 0) await heartbeat().catch(() => {}); // a failure resurfaces at the commit
    const chunk: EachBatchPayload['batch'] = Object.assign(Object.create(batch), { messages });
    const { outcomes, bytes } = await toOutcomes(chunk, heartbeat);
    for (const outcome of outcomes) all.outcomes.push(outcome);
    all.bytes += bytes;
  }
  return all;
}
