/**
 * Version 2 of an `events.raw` record: the events of one or more accepted requests in one
 * record, and no client IP anywhere. The API hashes the IP into the salted visitor hash before
 * anything is written (the salt is destroyed after two days, and with it any link from a
 * stored byte to an IP); the record key is empty, so the producer spreads records round-robin
 * over the partitions whatever site sends them.
 *
 * ```json
 * {"v":2,"requests":[{"site_id":"shop","received_at":"2025-06-01T12:00:00.000Z","sent_at":null,
 *   "request_ua":"Mozilla/5.0 …","request_id":"…","visitor_hash":"3f2a…","events":[{…}, …]}]}
 * ```
 */
import type { RecordEvent } from './event.js';

/** What the server knows about one request, shared by its events. */
export interface RequestFactsV2 {
  site_id: string;
  /** Server receive time, ISO 8601 UTC with milliseconds. */
  received_at: string;
  /** The batch's `sent_at` (client clock, normalized to UTC), or null when not sent. */
  sent_at: string | null;
  /** The request's `User-Agent` header, or null. An event without `user_agent` has this one. */
  request_ua: string | null;
  /** The request id, as in the API's `X-Request-Id` answer and log lines. */
  request_id: string;
  /** visitorId(salt of the salt day, site, client IP, request_ua ?? ''): 32 hex characters. */
  visitor_hash: string;
  /** The site's IANA time zone, when the API knows one. */
  timezone?: string;
}

/** One request's events (or a slice of them, when a request is too big for one record). */
export interface RequestPartV2 extends RequestFactsV2 {
  events: RecordEvent[];
}

export interface RawRecordV2 {
  v: 2;
  requests: RequestPartV2[];
}

/**
 * The JSON text of a request's part(s): one part, unless its text exceeds `maxChars`, in
 * which case the events are split over as many parts as needed. One JSON.stringify call per
 * request (not per event) in the common case.
 */
export function encodeRequestParts(facts: RequestFactsV2, events: RecordEvent[], maxChars: number): string[] {
  const text = JSON.stringify(partOf(facts, events));
  if (text.length <= maxChars || events.length <= 1) return [text];
  const middle = Math.ceil(events.length / 2);
  return [
    ...encodeRequestParts(facts, events.slice(0, middle), maxChars),
    ...encodeRequestParts(facts, events.slice(middle), maxChars),
  ];
}

/** The value of a v2 record holding one request's events (tests, tools, the replay of a dead letter). */
export function encodeV2Record(facts: RequestFactsV2, events: RecordEvent[]): string {
  return assembleRecord([JSON.stringify(partOf(facts, events))]);
}

/** The value of a v2 record holding the given encoded parts. */
export function assembleRecord(parts: readonly string[]): string {
  return `{"v":2,"requests":[${parts.join(',')}]}`;
}

/**
 * Groups encoded parts into records of at most `maxChars` (a part larger than that alone);
 * `perRecord` 1 makes one record per part.
 */
export function groupParts(parts: readonly string[], maxChars: number, perRecord = Infinity): string[] {
  const records: string[] = [];
  let group: string[] = [];
  let size = 0;
  for (const part of parts) {
    if (group.length > 0 && (size + part.length + 1 > maxChars || group.length >= perRecord)) {
      records.push(assembleRecord(group));
      group = [];
      size = 0;
    }
    group.push(part);
    size += part.length + 1;
  }
  if (group.length > 0) records.push(assembleRecord(group));
  return records;
}

/**
 * A v2 record holding `event` alone with its request's facts: what the dead-letter topic
 * keeps for one event that could not be loaded, so a replay re-publishes that event only.
 */
export function singleEventRecord(facts: RequestFactsV2, event: unknown): string {
  return JSON.stringify({ v: 2, requests: [{ ...factsOf(facts), events: [event] }] });
}

function partOf(facts: RequestFactsV2, events: RecordEvent[]): RequestPartV2 {
  return { ...factsOf(facts), events };
}

/** The facts alone, in a fixed key order (a parsed part also holds its events). */
function factsOf(f: RequestFactsV2): RequestFactsV2 {
  const facts: RequestFactsV2 = {
    site_id: f.site_id,
    received_at: f.received_at,
    sent_at: f.sent_at,
    request_ua: f.request_ua,
    request_id: f.request_id,
    visitor_hash: f.visitor_hash,
  };
  if (f.timezone !== undefined) facts.timezone = f.timezone;
  return facts;
}
