/**
 * Turning a partition batch into outcomes without going silent towards the group.
 */
import type { EachBatchPayload } from 'kafkajs';
import type { MessageOutcome } from './outcome.js';

/** Messages turned into outcomes between two heartbeats. */
const CHUNK_MESSAGES = 1000;

/**
 * The batch's outcomes, a chunk at a time with a heartbeat between chunks. kafkajs sends
 * heartbeats only when asked; a fetch of 4 partitions × 4 MiB is ~20,000 messages, seconds
 * of synchronous work on a busy machine, and a member silent for the session timeout (6 s)
 * is evicted: its commits are refused and its partitions reassigned mid-batch (seen under a
 * load average of 20). A heartbeat is a no-op until its interval has passed.
 */
export async function toOutcomesInChunks(
  batch: EachBatchPayload['batch'],
  toOutcomes: (batch: EachBatchPayload['batch'], heartbeat: () => Promise<void>) => Promise<MessageOutcome[]>,
  heartbeat: () => Promise<void>,
): Promise<MessageOutcome[]> {
  if (batch.messages.length <= CHUNK_MESSAGES) return toOutcomes(batch, heartbeat);
  const outcomes: MessageOutcome[] = [];
  for (let i = 0; i < batch.messages.length; i += CHUNK_MESSAGES) {
    if (i > 0) await heartbeat().catch(() => {}); // a failure resurfaces at the commit
    const chunk: EachBatchPayload['batch'] = Object.assign(Object.create(batch), {
      messages: batch.messages.slice(i, i + CHUNK_MESSAGES),
    });
    for (const outcome of await toOutcomes(chunk, heartbeat)) outcomes.push(outcome);
  }
  return outcomes;
}
