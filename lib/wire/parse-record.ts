/**
 * The consumer's reader of `events.raw` records, every version ever written (v1 and v2), into
 * one shape. It does not trust the topic: anything can be produced to it (a replayed dead
 * letter, another producer, an older API), so every field the consumer uses is checked, and
 * a bad event is reported on its own while the rest of its record stays loadable.
 */
import { mayHoldLoneSurrogates, repairLoneSurrogates } from '../well-formed-text.js';
import { EVENT_TEXT_FIELDS, type RecordEvent } from './event.js';
import type { RawEventMessageV1 } from './record-v1.js';
import type { RequestFactsV2 } from './record-v2.js';

/** The facts of one request as the consumer needs them, whatever the record version. */
export interface RecordFacts {
  site_id: string;
  received_at: string;
  sent_at: string | null;
  request_ua: string | null;
  request_id: string;
  /** v2: the request's salted visitor hash. */
  visitor_hash?: string;
  /** v1 only: the client IP, for the consumer to hash (v2 records never carry it). */
  ip?: string;
  timezone?: string;
}

/** Why a record, a request part or an event cannot be loaded: a fixed code, and a detail for people. */
export interface RecordProblem {
  code: 'invalid_json' | 'invalid_message';
  detail: string;
}

/** An event that cannot be loaded, with the reason and the event as it was in the record. */
export interface InvalidEntry {
  reason: RecordProblem;
  raw: unknown;
}

/** One request of a record: its facts, its loadable events and the ones that are not. */
export interface ParsedRequest {
  facts: RecordFacts;
  events: RecordEvent[];
  invalid: InvalidEntry[];
}

export interface ParsedRecord {
  version: 1 | 2;
  requests: ParsedRequest[];
  /** v2 request parts whose facts are unusable (each becomes one dead letter, its events with it). */
  invalidRequests: InvalidEntry[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const VISITOR_HASH = /^[0-9a-f]{32}$/;

/** A record value, read: the record, or why it is unusable as a whole. */
export type ParseResult = { ok: true; record: ParsedRecord } | { ok: false; reason: RecordProblem };

const invalid = (detail: string): RecordProblem => ({ code: 'invalid_message', detail });

/**
 * Parses a record value once. Says why when the record as a whole is unusable: empty, not
 * JSON, not an object, an unknown version, or (v1) facts it cannot do without.
 */
export function parseRawRecord(value: Buffer | null): ParseResult {
  const result = parse(value);
  return 'code' in result ? { ok: false, reason: result } : { ok: true, record: result };
}

function parse(value: Buffer | null): ParsedRecord | RecordProblem {
  if (!value || value.length === 0) return invalid('empty value');
  let message: unknown;
  const text = value.toString('utf8');
  try {
    message = JSON.parse(text);
  } catch (error) {
    return { code: 'invalid_json', detail: (error as Error).message };
  }
  // Records written before the API repaired lone surrogates (or by another producer) would
  // make ClickHouse refuse the whole insert: repaired here the same way.
  if (mayHoldLoneSurrogates(text)) repairLoneSurrogates(message);
  if (!isObject(message)) return invalid('not an object');
  if (message.v === 2) return readV2(message);
  if (message.v === 1) return readV1(message as Partial<RawEventMessageV1>);
  return invalid(`unsupported version ${JSON.stringify(message.v) ?? 'undefined'}`);
}

function readV1(m: Partial<RawEventMessageV1>): ParsedRecord | RecordProblem {
  const factsError = checkFacts(m);
  if (factsError) return invalid(factsError);
  if (typeof m.ip !== 'string') return invalid('ip missing');
  const request: ParsedRequest = { facts: m as RecordFacts, events: [], invalid: [] };
  addEvent(request, m.event);
  return { version: 1, requests: [request], invalidRequests: [] };
}

function readV2(m: Record<string, unknown>): ParsedRecord | RecordProblem {
  const parts = m.requests;
  if (!Array.isArray(parts)) return invalid('requests is not an array');
  const record: ParsedRecord = { version: 2, requests: [], invalidRequests: [] };
  for (const part of parts) {
    const error = isObject(part) ? checkV2Facts(part) : 'request is not an object';
    if (error) {
      record.invalidRequests.push({ reason: invalid(error), raw: part });
      continue;
    }
    const p = part as unknown as RequestFactsV2 & { events: unknown[] };
    const request: ParsedRequest = { facts: p, events: [], invalid: [] };
    for (const event of p.events) addEvent(request, event);
    record.requests.push(request);
  }
  return record;
}

function checkV2Facts(p: Record<string, unknown>): string | undefined {
  const error = checkFacts(p);
  if (error) return error;
  if (typeof p.visitor_hash !== 'string' || !VISITOR_HASH.test(p.visitor_hash))
    return 'visitor_hash is not 32 hex characters';
  if (!Array.isArray(p.events)) return 'events is not an array';
  return undefined;
}

function checkFacts(m: Record<string, unknown>): string | undefined {
  if (typeof m.site_id !== 'string' || m.site_id === '') return 'site_id missing';
  if (typeof m.received_at !== 'string' || Number.isNaN(Date.parse(m.received_at)))
    return 'received_at missing or invalid';
  if (m.sent_at !== undefined && m.sent_at !== null && typeof m.sent_at !== 'string') return 'sent_at is not a string';
  if (m.request_ua !== undefined && m.request_ua !== null && typeof m.request_ua !== 'string')
    return 'request_ua is not a string';
  if (m.timezone !== undefined && typeof m.timezone !== 'string') return 'timezone is not a string';
  return undefined;
}

function addEvent(request: ParsedRequest, event: unknown): void {
  const reason = checkEvent(event);
  if (reason === undefined) request.events.push(event as RecordEvent);
  else request.invalid.push({ reason: invalid(reason), raw: event });
}

/** Why `e` cannot be loaded, or undefined when every field the consumer reads has its type. */
function checkEvent(e: unknown): string | undefined {
  if (!isObject(e)) return 'event missing';
  if (typeof e.event_id !== 'string' || !UUID.test(e.event_id)) return 'event.event_id is not a UUID';
  if (typeof e.type !== 'string' || e.type === '') return 'event.type missing';
  for (const field of EVENT_TEXT_FIELDS) {
    const v = e[field];
    if (v !== undefined && v !== null && typeof v !== 'string') return `event.${field} is not a string`;
  }
  if (e.visitor_hash !== undefined && (typeof e.visitor_hash !== 'string' || !VISITOR_HASH.test(e.visitor_hash)))
    return 'event.visitor_hash is not 32 hex characters';
  if (e.extra !== undefined && e.extra !== null && !isObject(e.extra)) return 'event.extra is not an object';
  return undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
