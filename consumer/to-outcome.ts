/**
 * One Kafka message → a row for clickstream.events, or a dead letter with the reason.
 * Everything here is pure except the visitor salt, which the caller looks up first.
 *
 * The consumer does not trust the topic: anything can be produced to it (a replayed dead
 * letter, another producer), so the value is checked before use and a bad one becomes
 * an outcome, never an exception.
 */
import type { RawEventMessage } from '../api/raw-event-message.js';
import { mayHoldLoneSurrogates, repairLoneSurrogates } from '../lib/well-formed-text.js';
import { correctEventTime } from './enrich/event-time.js';
import { splitPayload } from './enrich/properties.js';
import { classifyReferrer } from './enrich/referrer.js';
import { parseEventUrl } from './enrich/url.js';
import type { UserAgentParser } from './enrich/user-agent.js';
import { clickHouseTime, utcDay } from '../lib/time.js';
import { localDayOf } from '../lib/time-zones.js';
import { visitorId } from './enrich/visitor.js';
import type { DeadLetterReason, MessageOutcome, SourcePosition } from './outcome.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface ToOutcomeDeps {
  userAgents: UserAgentParser;
  /** Oldest event time kept as sent; older ones get received_at (see enrich/event-time.ts). */
  maxEventAgeMs: number;
  /** The local day of an instant in a zone; pass createLocalDayCache() on hot paths. */
  localDay?: (instantMs: number, zone: string) => string;
}

/**
 * The local day of an instant in the message's zone. A zone this runtime does not know
 * (a message from a newer API, or not from the API at all) counts as UTC rather than
 * failing the event: the day only picks a salt and the speed layer's date.
 */
function siteDay(deps: Pick<ToOutcomeDeps, 'localDay'>, instantMs: number, zone: string | undefined): string {
  if (zone === undefined || zone === 'UTC') return utcDay(new Date(instantMs));
  try {
    return deps.localDay ? deps.localDay(instantMs, zone) : localDayOf(new Date(instantMs), zone);
  } catch {
    return utcDay(new Date(instantMs));
  }
}

/** A message value, checked: the message, or why it cannot be used. */
export type ParsedMessage = { ok: true; message: RawEventMessage } | { ok: false; reason: DeadLetterReason };

const invalid = (detail: string): ParsedMessage => ({ ok: false, reason: { code: 'invalid_message', detail } });

/** Parses and checks a message value; says why when it is not a usable v1 message. */
export function parseRawMessage(value: Buffer | null): ParsedMessage {
  if (!value) return invalid('empty value');
  let message: unknown;
  const text = value.toString('utf8');
  try {
    message = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: { code: 'invalid_json', detail: (error as Error).message } };
  }
  // Records written before the API repaired lone surrogates (or by another producer) would
  // make ClickHouse refuse the whole insert: repaired here the same way.
  if (mayHoldLoneSurrogates(text)) repairLoneSurrogates(message);
  const m = message as Partial<RawEventMessage> | null;
  if (!m || typeof m !== 'object') return invalid('not an object');
  if (m.v !== 1) return invalid(`unsupported version ${JSON.stringify(m.v)}`);
  if (typeof m.site_id !== 'string' || m.site_id === '') return invalid('site_id missing');
  if (typeof m.received_at !== 'string' || Number.isNaN(Date.parse(m.received_at)))
    return invalid('received_at missing or invalid');
  const e = m.event;
  if (!e || typeof e !== 'object') return invalid('event missing');
  if (typeof e.event_id !== 'string' || !UUID.test(e.event_id)) return invalid('event.event_id is not a UUID');
  if (typeof e.type !== 'string' || e.type === '') return invalid('event.type missing');
  return { ok: true, message: m as RawEventMessage };
}

/**
 * The day whose salt a message needs: the site's local day when the server received it
 * (not the client's `created_at`, so a client with a wrong clock cannot pick which day's salt,
 * and thus which visitor, it lands in). A cookieless visitor keeps one id for the whole local
 * day: salts rotate at each site's local midnight, not at UTC midnight.
 */
export function saltDay(message: RawEventMessage, deps: Pick<ToOutcomeDeps, 'localDay'> = {}): string {
  return siteDay(deps, Date.parse(message.received_at), zoneOf(message));
}

function zoneOf(message: RawEventMessage): string | undefined {
  return typeof message.timezone === 'string' ? message.timezone : undefined;
}

/**
 * Normalizes and enriches one parsed message into an outcome. `visitorSalt` is the salt of
 * `saltDay(message)`, loaded by the caller (see visitor-salts.ts).
 */
export function toOutcome(
  message: RawEventMessage,
  source: SourcePosition,
  deps: ToOutcomeDeps,
  visitorSalt: string,
): MessageOutcome {
  const e = message.event;
  const ua = e.user_agent ?? message.request_ua ?? '';
  const page = parseEventUrl(e.url ?? '');
  const { referrer_domain, channel } = classifyReferrer({
    referrer: e.referrer ?? '',
    pageHost: page.host,
    utm: page.utm,
    clickIds: page.clickIds,
  });
  const agent = deps.userAgents.parse(ua); // device_type 'bot' comes from isbot, cached with the rest
  const isBot = agent.device_type === 'bot';
  const { ts } = correctEventTime(
    { createdAt: e.created_at, sentAt: message.sent_at ?? undefined, receivedAt: message.received_at },
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
    kind: 'row',
    source,
    row: {
      event_id: e.event_id,
      site_id: message.site_id,
      type: e.type,
      session_id: e.session_id ?? '',
      user_id: e.user_id ?? '',
      anonymous_id: e.anonymous_id ?? '',
      // A known user is their own visitor; otherwise the daily-salted hash (the IP is
      // used here and nowhere else: it is not a column).
      visitor_id: e.user_id
        ? `u:${e.user_id}`
        : visitorId({ salt: visitorSalt, siteId: message.site_id, ip: message.ip, userAgent: ua }),
      ts: clickHouseTime(ts),
      site_date: siteDay(deps, ts.getTime(), zoneOf(message)),
      received_at: clickHouseTime(new Date(message.received_at)),
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
      is_bot: isBot,
      properties: withExtraFields(payload.properties, e.extra),
      kafka_partition: source.partition,
      kafka_offset: source.offset,
    },
  };
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
  for (const [key, value] of Object.entries(extra)) {
    if (key in properties) continue;
    properties[key] = typeof value === 'string' ? value : (JSON.stringify(value) ?? 'null');
  }
  return properties;
}
