/**
 * One checked event of a record → a row for clickstream.events. Everything here is pure
 * except the caches passed in; the visitor salt (v1 records only) is looked up by the caller.
 */
import { type LocalDay, siteDayOf } from '../lib/salt-day.js';
import { visitorId } from '../lib/visitor-id.js';
import type { RecordEvent, RecordFacts } from '../lib/wire/index.js';
import { correctedMs, parseIsoMs } from './enrich/event-time.js';
import type { PageCache } from './enrich/page-cache.js';
import { splitPayload } from './enrich/properties.js';
import type { UserAgentParser } from './enrich/user-agent.js';
import type { EventRow } from './event-row.js';
import type { MessageOutcome, SourcePosition } from './outcome.js';

export interface ToOutcomeDeps {
  userAgents: UserAgentParser;
  pages: PageCache;
  /** Oldest event time kept as sent; older ones get received_at (see enrich/event-time.ts). */
  maxEventAgeMs: number;
  /** The local day of an instant in a zone (lib/time-zones.ts createLocalDayCache), for `site_date`. */
  localDay?: LocalDay;
}

/** What all events of one request share, worked out once per request. */
export interface RequestContext {
  facts: RecordFacts;
  source: SourcePosition;
  receivedMs: number;
  /** received_at − sent_at: the client's clock offset (0 without a valid sent_at). */
  skewMs: number;
  /** The day's salt, for v1 records (their facts carry the IP, not the hash). */
  salt?: string | undefined;
}

/** The per-request context; `received_at` was checked by the parser. */
export function requestContext(facts: RecordFacts, source: SourcePosition, salt?: string): RequestContext {
  const strict = parseIsoMs(facts.received_at);
  // The parser accepted any Date.parse-able received_at; the strict form is what the API writes.
  const receivedMs = Number.isNaN(strict) ? Date.parse(facts.received_at) : strict;
  const sentMs = parseIsoMs(facts.sent_at ?? undefined);
  return { facts, source, receivedMs, skewMs: Number.isNaN(sentMs) ? 0 : receivedMs - sentMs, salt };
}

/**
 * Normalizes and enriches one event into a row outcome; an event the enrichment cannot
 * handle (a bug, or a record no API wrote) becomes a dead letter instead of an exception.
 */
export function toOutcome(e: RecordEvent, ctx: RequestContext, deps: ToOutcomeDeps): MessageOutcome {
  try {
    return { kind: 'row', source: ctx.source, row: toRow(e, ctx, deps) };
  } catch (error) {
    const detail = `enrichment failed: ${(error as Error).message}`;
    return { kind: 'dlq', source: ctx.source, reason: { code: 'invalid_message', detail } };
  }
}

function toRow(e: RecordEvent, ctx: RequestContext, deps: ToOutcomeDeps): EventRow {
  const { facts } = ctx;
  const ua = e.user_agent ?? facts.request_ua ?? '';
  const referrer = e.referrer ?? '';
  const { page, referrer_domain, channel, click_id_type, click_id } = deps.pages.get(e.url ?? '', referrer);
  const agent = deps.userAgents.parse(ua); // device_type 'bot' comes from isbot, cached with the rest
  const payload = splitPayload(e.payload);
  const ts = correctedMs(e.created_at, ctx.skewMs, ctx.receivedMs, deps.maxEventAgeMs);
  return {
    event_id: e.event_id,
    site_id: facts.site_id,
    type: e.type,
    session_id: e.session_id ?? '',
    user_id: e.user_id ?? '',
    anonymous_id: e.anonymous_id ?? '',
    visitor_id: e.user_id ? `u:${e.user_id}` : visitorOf(e, ctx, ua),
    ts,
    // The date of ts in the site's zone as the record names it (UTC without one).
    site_date: siteDayOf(ts, facts.timezone, deps.localDay),
    received_at: ctx.receivedMs,
    url: page.url,
    host: page.host,
    path: page.path,
    query: page.query,
    referrer,
    referrer_domain,
    channel,
    utm_source: page.utm.source,
    utm_medium: page.utm.medium,
    utm_campaign: page.utm.campaign,
    utm_term: page.utm.term,
    utm_content: page.utm.content,
    click_id_type,
    click_id,
    element_id: payload.element_id,
    event_title: payload.event_title,
    x: payload.x,
    y: payload.y,
    browser: agent.browser,
    browser_version: agent.browser_version,
    os: agent.os,
    device_type: agent.device_type,
    is_bot: agent.device_type === 'bot',
    properties: withExtraFields(payload.properties, e.extra),
    kafka_partition: ctx.source.partition,
    kafka_offset: ctx.source.offset,
  };
}

/**
 * The anonymous visitor id: the hash the API computed (v2: the event's own, else its
 * request's), or for a v1 record the daily-salted hash of the IP it carries (the IP is used
 * here and nowhere else: it is not a column).
 */
function visitorOf(e: RecordEvent, ctx: RequestContext, ua: string): string {
  if (e.visitor_hash !== undefined) return e.visitor_hash;
  const { facts, salt } = ctx;
  if (facts.ip === undefined) return facts.visitor_hash!;
  if (salt === undefined) throw new Error('v1 record without a visitor salt'); // a caller bug
  return visitorId({ salt, siteId: facts.site_id, ip: facts.ip, userAgent: ua });
}

/**
 * Unknown top-level event fields (kept by the API under `extra`) join the payload's custom
 * properties, so nothing a client sent is silently dropped; payload keys win a clash.
 */
function withExtraFields(
  properties: Record<string, string>,
  extra: Record<string, unknown> | undefined,
): Record<string, string> {
  if (!extra) return properties;
  for (const key in extra) {
    if (!Object.hasOwn(extra, key) || key in properties) continue;
    const value = extra[key];
    properties[key] = typeof value === 'string' ? value : (JSON.stringify(value) ?? 'null');
  }
  return properties;
}
