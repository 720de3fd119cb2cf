/**
 * One checked event of a record → a row for clickstream.events. Everything here is pure
 * except the visitor salt (for v1 records only), which the caller looks up first.
 */
import { visitorId } from '../lib/visitor-id.js';
import type { RecordEvent, RecordFacts } from '../lib/wire/index.js';
import { correctEventTime } from './enrich/event-time.js';
import { splitPayload } from './enrich/properties.js';
import { classifyReferrer } from './enrich/referrer.js';
import { parseEventUrl } from './enrich/url.js';
import type { UserAgentParser } from './enrich/user-agent.js';
import { toClickHouseTime } from './event-row.js';
import type { MessageOutcome, SourcePosition } from './outcome.js';

export interface ToOutcomeDeps {
  userAgents: UserAgentParser;
  /** Oldest event time kept as sent; older ones get received_at (see enrich/event-time.ts). */
  maxEventAgeMs: number;
}

/**
 * Normalizes and enriches one event into a row outcome; an event the enrichment cannot
 * handle (a bug, or a record no API wrote) becomes a dead letter instead of an exception.
 * `visitorSalt` is needed only for v1 records (their facts carry the IP, not the hash).
 */
export function toOutcome(
  e: RecordEvent,
  facts: RecordFacts,
  source: SourcePosition,
  deps: ToOutcomeDeps,
  visitorSalt?: string,
): MessageOutcome {
  try {
    return { kind: 'row', source, row: toRow(e, facts, source, deps, visitorSalt) };
  } catch (error) {
    return { kind: 'dlq', source, reason: `enrich_failed: ${(error as Error).message}` };
  }
}

function toRow(e: RecordEvent, facts: RecordFacts, source: SourcePosition, deps: ToOutcomeDeps, salt?: string) {
  const ua = e.user_agent ?? facts.request_ua ?? '';
  const page = parseEventUrl(e.url ?? '');
  const { referrer_domain, channel } = classifyReferrer({
    referrer: e.referrer ?? '',
    pageHost: page.host,
    utm: page.utm,
    clickIds: page.clickIds,
  });
  const agent = deps.userAgents.parse(ua); // device_type 'bot' comes from isbot, cached with the rest
  const { ts } = correctEventTime(
    { createdAt: e.created_at, sentAt: facts.sent_at ?? undefined, receivedAt: facts.received_at },
    { maxAgeMs: deps.maxEventAgeMs },
  );
  const payload = splitPayload(e.payload);
  const clickIdType = page.clickIds.gclid
    ? 'gclid'
    : page.clickIds.fbclid
      ? 'fbclid'
      : page.clickIds.msclkid
        ? 'msclkid'
        : '';
  return {
    event_id: e.event_id,
    site_id: facts.site_id,
    type: e.type,
    session_id: e.session_id ?? '',
    user_id: e.user_id ?? '',
    anonymous_id: e.anonymous_id ?? '',
    visitor_id: e.user_id ? `u:${e.user_id}` : visitorOf(e, facts, ua, salt),
    ts: toClickHouseTime(ts),
    received_at: toClickHouseTime(new Date(facts.received_at)),
    url: page.url,
    host: page.host,
    path: page.path,
    query: page.query,
    referrer: e.referrer ?? '',
    referrer_domain,
    channel,
    utm_source: page.utm.source,
    utm_medium: page.utm.medium,
    utm_campaign: page.utm.campaign,
    utm_term: page.utm.term,
    utm_content: page.utm.content,
    click_id_type: clickIdType,
    click_id: clickIdType ? page.clickIds[clickIdType] : '',
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
    kafka_partition: source.partition,
    kafka_offset: source.offset,
  };
}

/**
 * The anonymous visitor id: the hash the API computed (v2: the event's own, else its
 * request's), or for a v1 record the daily-salted hash of the IP it carries (the IP is used
 * here and nowhere else: it is not a column).
 */
function visitorOf(e: RecordEvent, facts: RecordFacts, ua: string, salt: string | undefined): string {
  if (e.visitor_hash !== undefined) return e.visitor_hash;
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
