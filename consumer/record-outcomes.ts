/**
 * A Kafka batch of `events.raw` records → one outcome per event, each record parsed once.
 * A record that cannot be read at all is one dead letter (its bytes as they were); in a v2
 * record, an event that cannot be loaded is a dead letter alone (a v2 record holding just
 * that event, so `clickstream dlq replay` re-publishes only it) while its neighbours load.
 */
import type { KafkaMessage } from 'kafkajs';
import { type LocalDay, saltDayOf } from '../lib/salt-day.js';
import type { VisitorSalts } from '../lib/visitor-salts.js';
import { type ParsedRecord, parseRawRecord, type RequestFactsV2, singleEventRecord } from '../lib/wire/index.js';
import type { MessageOutcome, SourcePosition } from './outcome.js';
import { requestContext, type ToOutcomeDeps, toOutcome } from './to-outcome.js';

export interface RecordBatchOutcomes {
  outcomes: MessageOutcome[];
  /** Bytes of the record values, for the flush buffer's byte threshold. */
  bytes: number;
}

/** Builds the batch mapper; `salts` is only asked for days of v1 records (v2 carries the hash). */
export function createRecordOutcomes(deps: ToOutcomeDeps & { salts: VisitorSalts }) {
  return async function recordOutcomes(partition: number, messages: KafkaMessage[]): Promise<RecordBatchOutcomes> {
    let bytes = 0;
    const records = messages.map((m) => {
      bytes += m.value?.length ?? 0;
      const source: SourcePosition = { partition, offset: m.offset, key: m.key, value: m.value };
      return { source, parsed: parseRawRecord(m.value) };
    });
    // Load the (usually one, usually none) salt the v1 records need before the synchronous mapping.
    const days = new Set<string>();
    for (const { parsed } of records)
      if (parsed.ok && parsed.record.version === 1) days.add(v1Day(parsed.record, deps.localDay));
    const salts = new Map(await Promise.all([...days].map(async (d) => [d, await deps.salts.forDay(d)] as const)));

    const outcomes: MessageOutcome[] = [];
    for (const { source, parsed: result } of records) {
      if (!result.ok) {
        outcomes.push({ kind: 'dlq', reason: result.reason, source });
        continue;
      }
      const parsed = result.record;
      const v2 = parsed.version === 2;
      for (const { reason, raw } of parsed.invalidRequests)
        outcomes.push({ kind: 'dlq', reason, source, value: JSON.stringify({ v: 2, requests: [raw] }) });
      for (const { facts, events, invalid } of parsed.requests) {
        const ctx = requestContext(facts, source, v2 ? undefined : salts.get(v1Day(parsed, deps.localDay)));
        for (const event of events) {
          const outcome = toOutcome(event, ctx, deps);
          if (v2) {
            if (outcome.kind === 'row') {
              outcome.facts = facts;
              outcome.event = event;
            } else outcome.value = singleEventRecord(facts as RequestFactsV2, event);
          }
          outcomes.push(outcome);
        }
        for (const { reason, raw } of invalid)
          outcomes.push({
            kind: 'dlq',
            reason,
            source,
            // A v1 record is one event: its dead letter is the record as it was.
            ...(v2 ? { value: singleEventRecord(facts as RequestFactsV2, raw) } : {}),
          });
      }
    }
    return { outcomes, bytes };
  };
}

function v1Day(parsed: ParsedRecord, localDay?: LocalDay): string {
  const { facts } = parsed.requests[0]!;
  return saltDayOf(Date.parse(facts.received_at), facts.timezone, localDay);
}
