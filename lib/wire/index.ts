/**
 * The wire contract between the API (producer) and the consumer on Kafka topic `events.raw`:
 * the event types, the record encoders and the consumer's parser, in one module so the two
 * sides cannot drift apart. A record's value carries a version field `v`:
 *
 * - v1 (read only): one event per record, with the client IP.
 * - v2 (written): the events of one or more requests per record, with the salted visitor hash
 *   instead of the IP, and no key.
 *
 * Change the layout only by adding a version, and keep reading every version ever written.
 */
export { EVENT_TEXT_FIELDS, type EventPayload, type RecordEvent, type ValidatedEvent } from './event.js';
export { encodeV1Record, type RawEventMessageV1 } from './record-v1.js';
export {
  assembleRecord,
  encodeRequestParts,
  encodeV2Record,
  groupParts,
  singleEventRecord,
  type RawRecordV2,
  type RequestFactsV2,
  type RequestPartV2,
} from './record-v2.js';
export {
  parseRawRecord,
  type InvalidEntry,
  type ParseResult,
  type ParsedRecord,
  type RecordProblem,
  type ParsedRequest,
  type RecordFacts,
} from './parse-record.js';

/**
 * The most characters of one record value the API writes. Kafka refuses a record batch over
 * `message.max.bytes` (1 MiB by default); a UTF-8 byte is at most 3 per character, so this
 * keeps even an all-CJK record well under it.
 */
export const MAX_RECORD_CHARS = 256 * 1024;
