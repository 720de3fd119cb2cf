/**
 * One PostHog event (`{event, distinct_id, properties, timestamp, uuid}`, as posthog-js,
 * posthog-node and PostHog's capture API send it) → one event in the POST /events form.
 * Pure. The table in api/README.md ("PostHog: how an event maps") is this file in prose.
 */
import { IDENTIFY_TYPE } from '../../event-rules.js';
import { eventIdFromMessageId } from '../compat/event-id.js';
import { eventNameToType } from '../compat/event-type.js';
import { addUnmappedFields, idAt, isObject, objectAt, stringAt, without } from '../compat/fields.js';
import { type EventInput, type MappedMessage, NO_USER_AGENT, type Refusal, refuse } from '../compat/mapped-batch.js';
import { autocapturedElement } from './elements.js';

/** What an event is mapped with besides itself. */
export interface PostHogEventContext {
  siteId: string;
  /** The key the request was authorized with: an event naming another project is refused. */
  key: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Properties that become columns (or are the credential) and so are not kept as properties. */
const COLUMN_PROPERTIES: ReadonlySet<string> = new Set([
  'token',
  'api_key',
  'distinct_id',
  '$current_url',
  '$referrer',
  '$raw_user_agent',
  '$session_id',
  // The client IP is never stored; it only feeds the visitor hash.
  '$ip',
]);

/** Top-level fields that are mapped, or the credential. */
const ENVELOPE_FIELDS: ReadonlySet<string> = new Set([
  'event',
  'properties',
  'distinct_id',
  'timestamp',
  'uuid',
  'api_key',
  'token',
  'sent_at',
  // person properties: kept in the payload instead (see below)
  '$set',
  '$set_once',
]);

/** Map one event. Never throws: an event that cannot be ours is a refusal value. */
export function mapPostHogEvent(message: unknown, ctx: PostHogEventContext): MappedMessage {
  if (!isObject(message)) return refuse('', 'expected a PostHog event object', 'posthog_not_an_object');
  const name = message.event;
  if (typeof name !== 'string' || name.trim() === '') {
    return refuse('event', 'an event needs a name', 'posthog_missing_event');
  }
  if (message.properties != null && !isObject(message.properties)) {
    return refuse('properties', 'expected an object', 'posthog_invalid_properties');
  }
  const properties = objectAt(message.properties) ?? {};
  const token = stringAt(properties.token) ?? stringAt(message.api_key);
  if (token !== undefined && token !== ctx.key) {
    return refuse('properties.token', "names another project's key than the request's", 'posthog_other_token');
  }

  const ids = idsOf(name, message, properties);
  if ('rejected' in ids) return ids;
  const typed = typeAndPayload(name, properties);

  const event: EventInput = { type: typed.type, payload: typed.payload };
  const uuid = idAt(message.uuid);
  if (uuid) event.event_id = UUID.test(uuid) ? uuid : eventIdFromMessageId(ctx.siteId, uuid);
  if (ids.user_id !== undefined) event.user_id = ids.user_id;
  if (ids.anonymous_id !== undefined) event.anonymous_id = ids.anonymous_id;
  const time = message.timestamp ?? secondsToIso(properties.$time);
  if (time != null) event.created_at = time;
  const session = idAt(properties.$session_id);
  if (session) event.session_id = session;
  if (properties.$current_url != null) event.url = properties.$current_url;
  // posthog-js says "$direct" for "no referrer".
  if (properties.$referrer != null && properties.$referrer !== '$direct' && properties.$referrer !== '') {
    event.referrer = properties.$referrer;
  }
  // As for Segment: no user agent of its own means a server library sent it (posthog-node),
  // whose request header would make it a bot's event.
  event.user_agent = properties.$raw_user_agent ?? NO_USER_AGENT;
  // Person properties set with the event ($identify's traits) are kept with it, as sent.
  for (const key of ['$set', '$set_once'] as const) {
    if (message[key] !== undefined) typed.payload[key] = message[key];
  }
  addUnmappedFields(event, without(message, ENVELOPE_FIELDS));
  const ip = stringAt(properties.$ip);
  return ip === undefined ? { event } : { event, clientIp: ip };
}

type Ids = { user_id?: string; anonymous_id?: string } | Refusal;

/**
 * PostHog has one id per event, `distinct_id`; we keep two. An identify or alias is the
 * identity link. Otherwise posthog-js tells anonymous from identified: while anonymous its
 * `distinct_id` equals `$device_id`; once identified, `distinct_id` is the user and
 * `$device_id` the browser's anonymous id. Without those hints (posthog-node, the capture
 * API) `distinct_id` is a person's id, unless the event says it processes no person
 * (`$process_person_profile: false`, PostHog's flag for anonymous events).
 */
function idsOf(name: string, message: Record<string, unknown>, properties: Record<string, unknown>): Ids {
  const distinct = idAt(message.distinct_id ?? properties.distinct_id);
  if (distinct === false) return refuse('distinct_id', 'expected a string or a number', 'posthog_invalid_id');
  if (distinct === undefined) return refuse('distinct_id', 'every event needs a distinct_id', 'posthog_missing_id');
  if (name === '$identify' || name === '$create_alias') {
    const field = name === '$identify' ? '$anon_distinct_id' : 'alias';
    const other = idAt(properties[field]);
    if (!other) {
      return refuse(
        `properties.${field}`,
        `a ${name} is stored as the link ${field} → distinct_id: both are needed`,
        'posthog_identify_links_nothing',
      );
    }
    return { user_id: distinct, anonymous_id: other };
  }
  const device = idAt(properties.$device_id);
  if (device && device !== distinct) return { user_id: distinct, anonymous_id: device };
  if (device === distinct || properties.$is_identified === false || properties.$process_person_profile === false) {
    return { anonymous_id: distinct };
  }
  return { user_id: distinct };
}

function typeAndPayload(name: string, properties: Record<string, unknown>) {
  const rest = without(properties, COLUMN_PROPERTIES);
  switch (name) {
    case '$pageview': {
      const { title, ...payload } = rest;
      return { type: 'pageview', payload: title == null ? payload : { ...payload, event_title: title } };
    }
    case '$screen':
      return {
        type: 'screen',
        payload: { ...rest, ...(rest.$screen_name == null ? {} : { name: rest.$screen_name }) },
      };
    case '$identify':
    case '$create_alias':
      return { type: IDENTIFY_TYPE, payload: rest };
    case '$autocapture': {
      const kind = stringAt(properties.$event_type) ?? 'click';
      const element = autocapturedElement(properties);
      const payload: Record<string, unknown> = { ...rest };
      if (element.id !== undefined) payload.element_id = element.id;
      if (element.text !== undefined) payload.event_title = element.text;
      return { type: kind === 'click' ? 'click' : eventNameToType(`autocapture ${kind}`), payload };
    }
    default:
      // `$pageleave`, `$rageclick`, `$web_vitals` … and every custom event: the name rule
      // (PostHog's `$` marks its own events, not part of the name).
      return { type: eventNameToType(name.replace(/^\$/, '')), payload: { ...rest, event: name } };
  }
}

/** posthog-js's `$time` (epoch seconds) as ISO, when there is no `timestamp`. */
function secondsToIso(value: unknown): string | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  const date = new Date(value * 1000);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
