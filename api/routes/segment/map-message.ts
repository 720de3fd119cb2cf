/**
 * One Segment message (the Segment Spec: track, page, screen, identify, group, alias) → one
 * event in the POST /events form. Pure: no I/O, no clock. The table in api/README.md
 * ("Segment: how a message maps") is this file in prose; keep them together.
 *
 * The mapping only translates; limits, ids, times and text are checked afterwards by the
 * same validation as every other event, so a Segment event can never get in with less.
 */
import { IDENTIFY_TYPE } from '../../event-rules.js';
import { type Campaign, withCampaign } from '../compat/campaign.js';
import { eventIdFromMessageId } from '../compat/event-id.js';
import { eventNameToType } from '../compat/event-type.js';
import { addUnmappedFields, idAt, isObject, objectAt, stringAt, without } from '../compat/fields.js';
import { type EventInput, type MappedMessage, NO_USER_AGENT, type Refusal, refuse } from '../compat/mapped-batch.js';

/** The Segment calls, by the `type` field of a message. */
export const SEGMENT_CALLS = ['track', 'page', 'screen', 'identify', 'group', 'alias'] as const;
export type SegmentCall = (typeof SEGMENT_CALLS)[number];

const isSegmentCall = (value: unknown): value is SegmentCall =>
  typeof value === 'string' && (SEGMENT_CALLS as readonly string[]).includes(value);

/** What a message is mapped with besides itself. */
export interface SegmentMessageContext {
  siteId: string;
  /** The call named by the endpoint (`/v1/track` …); a batch message names its own `type`. */
  call?: SegmentCall;
  /** A batch's own `context`, which applies to each of its messages (theirs win). */
  batchContext?: Record<string, unknown>;
}

/**
 * Message fields that are routing or transport, not data: `writeKey` is a credential,
 * `integrations` and `_metadata` steer Segment's own destinations, the rest is mapped to
 * columns. Everything else a message carries is kept (under `properties`).
 */
const TRANSPORT_FIELDS: ReadonlySet<string> = new Set([
  'type',
  'messageId',
  'userId',
  'anonymousId',
  'previousId',
  'timestamp',
  'originalTimestamp',
  'sentAt',
  'receivedAt',
  'writeKey',
  'integrations',
  '_metadata',
  'context',
  'properties',
  'traits',
  'event',
  'name',
  'category',
  'groupId',
]);

/** `context` fields that become columns (`ip` is never stored: it only feeds the visitor hash). */
const MAPPED_CONTEXT_FIELDS: ReadonlySet<string> = new Set(['userAgent', 'page', 'campaign', 'ip']);

/** Page properties that become columns rather than properties. */
const PAGE_COLUMN_FIELDS: ReadonlySet<string> = new Set(['url', 'path', 'search', 'referrer', 'title']);

/** Map one message. Never throws: a message that cannot be an event is a refusal value. */
export function mapSegmentMessage(message: unknown, ctx: SegmentMessageContext): MappedMessage {
  if (!isObject(message)) return refuse('', 'expected a Segment message object', 'segment_not_an_object');
  const call = ctx.call ?? message.type;
  if (!isSegmentCall(call)) {
    return refuse(
      'type',
      `expected one of ${SEGMENT_CALLS.join(', ')}, got ${JSON.stringify(call)?.slice(0, 40) ?? 'none'}`,
      'segment_invalid_type',
    );
  }
  if (message.context != null && !isObject(message.context)) {
    return refuse('context', 'expected an object', 'segment_invalid_context');
  }
  const context = { ...ctx.batchContext, ...objectAt(message.context) };

  const userId = idAt(message.userId);
  const anonymousId = idAt(call === 'alias' ? message.previousId : message.anonymousId);
  const idField = call === 'alias' ? 'previousId' : 'anonymousId';
  if (userId === false) return refuse('userId', 'expected a string or a number', 'segment_invalid_id');
  if (anonymousId === false) return refuse(idField, 'expected a string or a number', 'segment_invalid_id');
  if (call === 'alias' && (userId === undefined || anonymousId === undefined)) {
    return refuse(
      userId === undefined ? 'userId' : 'previousId',
      'an alias needs userId and previousId',
      'segment_missing_id',
    );
  }
  if (userId === undefined && anonymousId === undefined) {
    return refuse('userId', 'every message needs a userId or an anonymousId', 'segment_missing_id');
  }
  if (call === 'identify' && (userId === undefined || anonymousId === undefined)) {
    // The identity link is all an identify is stored as; one id alone links nothing (and
    // the warehouse keeps no user profiles for the traits to update).
    return refuse(
      userId === undefined ? 'userId' : 'anonymousId',
      'an identify is stored as the link anonymousId → userId: both are needed',
      'segment_identify_links_nothing',
    );
  }

  const typed = typeAndPayload(call, message);
  if ('rejected' in typed) return typed;

  const page = objectAt(context.page) ?? {};
  const properties = call === 'page' ? (objectAt(message.properties) ?? {}) : {};
  const event: EventInput = { type: typed.type, payload: typed.payload };
  const messageId = idAt(message.messageId);
  if (messageId) event.event_id = eventIdFromMessageId(ctx.siteId, messageId);
  if (userId !== undefined) event.user_id = userId;
  if (anonymousId !== undefined) event.anonymous_id = anonymousId;
  const time = message.timestamp ?? message.originalTimestamp;
  if (time != null) event.created_at = time;
  event.user_agent = stringAt(context.userAgent) ?? NO_USER_AGENT;

  const url = pageUrl(properties, page);
  if (url !== undefined) event.url = withCampaign(url, campaignOf(context.campaign));
  else Object.assign(typed.payload, campaignOf(context.campaign));
  const referrer = properties.referrer ?? page.referrer;
  if (referrer != null && referrer !== '') event.referrer = referrer;
  if (call === 'page') {
    const title = properties.title ?? page.title;
    if (title != null) typed.payload.event_title = title;
  }

  const rest = without(message, TRANSPORT_FIELDS);
  const restContext = without(context, MAPPED_CONTEXT_FIELDS);
  if (Object.keys(restContext).length > 0) rest.context = restContext;
  // Unknown top-level fields are the event's `extra` (held to the same limits as payload).
  addUnmappedFields(event, rest);
  const ip = stringAt(context.ip);
  return ip === undefined ? { event } : { event, clientIp: ip };
}

type Typed = { type: string; payload: Record<string, unknown> } | Refusal;

function typeAndPayload(call: SegmentCall, message: Record<string, unknown>): Typed {
  const properties = objectAt(message.properties) ?? {};
  const traits = objectAt(message.traits) ?? {};
  switch (call) {
    case 'track': {
      const name = message.event;
      if (typeof name !== 'string' || name.trim() === '') {
        return refuse('event', 'a track needs an event name', 'segment_missing_event');
      }
      return { type: eventNameToType(name), payload: { ...properties, event: name } };
    }
    case 'page':
      return {
        type: 'pageview',
        payload: { ...without(properties, PAGE_COLUMN_FIELDS), ...named(message) },
      };
    case 'screen':
      return { type: 'screen', payload: { ...properties, ...named(message) } };
    case 'identify':
      return { type: IDENTIFY_TYPE, payload: { ...traits } };
    case 'alias':
      return { type: IDENTIFY_TYPE, payload: {} };
    case 'group': {
      const groupId = idAt(message.groupId);
      if (!groupId) return refuse('groupId', 'a group call needs a groupId', 'segment_missing_group_id');
      return { type: 'group', payload: { ...traits, group_id: groupId } };
    }
  }
}

/** `name` and `category` of a page or screen call, when given. */
function named(message: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (message.name != null) out.name = message.name;
  if (message.category != null) out.category = message.category;
  return out;
}

/** The page URL: `url`, else `path` + `search` (properties of a page call win over `context.page`). */
function pageUrl(properties: Record<string, unknown>, page: Record<string, unknown>): string | undefined {
  const url = stringAt(properties.url) ?? stringAt(page.url);
  if (url !== undefined) return url;
  const path = stringAt(properties.path) ?? stringAt(page.path);
  if (path === undefined) return undefined;
  return path + (stringAt(properties.search) ?? stringAt(page.search) ?? '');
}

/** Segment's `context.campaign` (`name` is the campaign) as `utm_*` values. */
function campaignOf(value: unknown): Campaign {
  const c = objectAt(value);
  if (c === undefined) return {};
  const out: Campaign = {};
  const set = (key: keyof Campaign, v: unknown) => {
    if (typeof v === 'string' && v !== '') out[key] = v;
  };
  set('utm_source', c.source);
  set('utm_medium', c.medium);
  set('utm_campaign', c.name ?? c.campaign);
  set('utm_term', c.term);
  set('utm_content', c.content);
  return out;
}
