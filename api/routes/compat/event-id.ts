/**
 * `event_id` for a client whose message ids are not UUIDs (Segment's `messageId` looks like
 * `ajs-next-1733000000000-…` or `node-next-…`): a UUIDv5, so the same message always gets the
 * same id and a client's retry is stored once (ClickHouse dedups on `event_id`).
 *
 * The name hashed is `<site_id>:<message id>`: two sites may well produce the same message
 * id, and a site id never contains ":" (`SITE_ID_PATTERN`), so the pair is unambiguous.
 */
import { v5 as uuidv5 } from 'uuid';

/** The fixed namespace of these ids (a random UUID chosen once; changing it changes every id). */
export const MESSAGE_ID_NAMESPACE = 'd1f7a570-c299-4855-a498-dbf504c82081';

/** `UUIDv5(MESSAGE_ID_NAMESPACE, "<siteId>:<messageId>")`, lower case. */
export function eventIdFromMessageId(siteId: string, messageId: string): string {
  return uuidv5(`${siteId}:${messageId}`, MESSAGE_ID_NAMESPACE);
}
