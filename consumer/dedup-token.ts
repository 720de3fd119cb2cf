/**
 * The dedup token of an insert. ClickHouse remembers the tokens of the last
 * `non_replicated_deduplication_window` inserts into a table and drops a block whose token
 * it has seen: an insert that timed out on our side but landed on the server, then retried,
 * is not loaded twice.
 */
import type { MessageOutcome } from './outcome.js';

/**
 * The insert's dedup token: the source topic, then the flush's offset range per partition,
 * `topic|p:first-last`, in partition order. The same flush retried (after a timeout whose
 * insert did land) gives the same token, and ClickHouse drops the block instead of loading
 * it twice. The topic is part of it because offsets are only unique within a topic: two
 * topics (a renamed KAFKA_TOPIC_RAW, a recreated topic, or the test suite's topic per test)
 * both start at offset 0, and without it ClickHouse would drop the second topic's first
 * blocks as "duplicates" of the first's — events lost without an error.
 */
export function dedupToken(outcomes: MessageOutcome[], topic: string): string {
  const ranges = new Map<number, { first: bigint; last: bigint }>();
  for (const { source } of outcomes) {
    const offset = BigInt(source.offset);
    const range = ranges.get(source.partition);
    if (!range) ranges.set(source.partition, { first: offset, last: offset });
    else {
      if (offset < range.first) range.first = offset;
      if (offset > range.last) range.last = offset;
    }
  }
  const parts = [...ranges.entries()].sort(([a], [b]) => a - b).map(([p, r]) => `${p}:${r.first}-${r.last}`);
  return `${topic}|${parts.join(',')}`;
}
