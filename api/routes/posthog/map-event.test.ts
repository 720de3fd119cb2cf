/**
 * One row per line of the "PostHog: how an event maps" table in api/README.md: the event a
 * PostHog client sends, and the POST /events event it becomes (or the refusal).
 */
import { describe, expect, it } from 'vitest';
import { eventIdFromMessageId } from '../compat/event-id.js';
import { NO_USER_AGENT } from '../compat/mapped-batch.js';
import { mapPostHogEvent } from './map-event.js';

const CTX = { siteId: 'shop', key: 'phc_key' };
const UUID = '01a233c2-646a-7476-94f3-acd351d19b48';
const DEVICE = '01a233c2-640c-7b27-889d-97a97a16a33c';

describe('mapPostHogEvent: each mapping row', () => {
  it.each([
    [
      'a custom event: the name rule, the name kept as properties.event; uuid → event_id; no hints: distinct_id is the user',
      {
        event: 'Order Completed',
        distinct_id: 'u1',
        uuid: UUID.toUpperCase(),
        timestamp: '2025-06-01T11:59:00.000Z',
        properties: { revenue: 42, $lib: 'posthog-node' },
      },
      {
        type: 'order_completed',
        event_id: UUID.toUpperCase(),
        user_id: 'u1',
        created_at: '2025-06-01T11:59:00.000Z',
        payload: { revenue: 42, $lib: 'posthog-node', event: 'Order Completed' },
      },
    ],
    [
      '$pageview (posthog-js, anonymous): url, referrer, user agent, session, title; $device_id = distinct_id is anonymous',
      {
        event: '$pageview',
        uuid: UUID,
        timestamp: '2025-06-01T11:59:00.000Z',
        properties: {
          distinct_id: DEVICE,
          $device_id: DEVICE,
          token: 'phc_key',
          $current_url: 'https://shop.example/ph?utm_source=x',
          $referrer: 'https://news.example/',
          $raw_user_agent: 'Mozilla/5.0 X',
          $session_id: 's-1',
          $ip: '203.0.113.9',
          title: 'Shop',
          $os: 'Linux',
        },
      },
      {
        type: 'pageview',
        event_id: UUID,
        anonymous_id: DEVICE,
        created_at: '2025-06-01T11:59:00.000Z',
        session_id: 's-1',
        url: 'https://shop.example/ph?utm_source=x',
        referrer: 'https://news.example/',
        user_agent: 'Mozilla/5.0 X',
        payload: { $device_id: DEVICE, $os: 'Linux', event_title: 'Shop' },
      },
    ],
    [
      'after identify: distinct_id is the user, $device_id the anonymous id; "$direct" is no referrer',
      { event: '$pageleave', distinct_id: 'u1', properties: { $device_id: DEVICE, $referrer: '$direct' } },
      {
        type: 'pageleave',
        user_id: 'u1',
        anonymous_id: DEVICE,
        payload: { $device_id: DEVICE, event: '$pageleave' },
      },
    ],
    [
      '$process_person_profile: false marks an anonymous server-side event',
      { event: 'viewed', distinct_id: 'cookie-9', properties: { $process_person_profile: false } },
      { type: 'viewed', anonymous_id: 'cookie-9', payload: { $process_person_profile: false, event: 'viewed' } },
    ],
    [
      '$autocapture click → click with element_id and text',
      {
        event: '$autocapture',
        distinct_id: DEVICE,
        properties: {
          $device_id: DEVICE,
          $event_type: 'click',
          $el_text: 'Buy',
          $elements: [{ tag_name: 'button', attr__id: 'buy' }],
        },
      },
      {
        type: 'click',
        anonymous_id: DEVICE,
        payload: {
          $device_id: DEVICE,
          $event_type: 'click',
          $el_text: 'Buy',
          $elements: [{ tag_name: 'button', attr__id: 'buy' }],
          element_id: '#buy',
          event_title: 'Buy',
        },
      },
    ],
    [
      '$autocapture submit → autocapture_submit',
      { event: '$autocapture', distinct_id: 'u1', properties: { $event_type: 'submit' } },
      { type: 'autocapture_submit', user_id: 'u1', payload: { $event_type: 'submit' } },
    ],
    [
      '$identify → the identity link $anon_distinct_id → distinct_id; $set kept',
      {
        event: '$identify',
        distinct_id: 'u1',
        $set: { plan: 'pro' },
        properties: { $anon_distinct_id: DEVICE, $device_id: DEVICE },
      },
      {
        type: 'identify',
        user_id: 'u1',
        anonymous_id: DEVICE,
        payload: { $anon_distinct_id: DEVICE, $device_id: DEVICE, $set: { plan: 'pro' } },
      },
    ],
    [
      '$create_alias (posthog-node alias) → the identity link alias → distinct_id',
      { event: '$create_alias', distinct_id: 'u1', properties: { distinct_id: 'u1', alias: 'a1' } },
      { type: 'identify', user_id: 'u1', anonymous_id: 'a1', payload: { alias: 'a1' } },
    ],
    [
      '$screen → screen with its name',
      { event: '$screen', distinct_id: 'u1', properties: { $screen_name: 'Cart' } },
      { type: 'screen', user_id: 'u1', payload: { $screen_name: 'Cart', name: 'Cart' } },
    ],
    [
      'a uuid that is not a UUID is hashed like a Segment messageId; $time when no timestamp; a top-level "type" cannot replace ours',
      { event: 'x', distinct_id: 7, uuid: 'evt-1', type: 'capture', properties: { $time: 1748779140.5 } },
      {
        type: 'x',
        event_id: eventIdFromMessageId('shop', 'evt-1'),
        user_id: '7',
        created_at: '2025-06-01T11:59:00.500Z',
        payload: { $time: 1748779140.5, event: 'x', type: 'capture' },
      },
    ],
  ])('%s', (_name, message, event) => {
    const mapped = mapPostHogEvent(message, CTX);
    // An event with no $raw_user_agent gets "unknown", not posthog-node's own header.
    expect('event' in mapped && mapped.event).toEqual({ user_agent: NO_USER_AGENT, ...event });
  });

  it('$ip is handed on for the visitor hash (never stored in the event)', () => {
    const mapped = mapPostHogEvent({ event: 'x', distinct_id: 'u', properties: { $ip: '2001:db8::1' } }, CTX);
    expect(mapped).toEqual({
      event: { type: 'x', user_id: 'u', user_agent: '', payload: { event: 'x' } },
      clientIp: '2001:db8::1',
    });
  });
});

describe('mapPostHogEvent: refusals', () => {
  it.each([
    ['not an object', 42, '', 'posthog_not_an_object'],
    ['no name', { distinct_id: 'u' }, 'event', 'posthog_missing_event'],
    [
      'properties not an object',
      { event: 'x', distinct_id: 'u', properties: [1] },
      'properties',
      'posthog_invalid_properties',
    ],
    ['no distinct_id', { event: 'x', properties: {} }, 'distinct_id', 'posthog_missing_id'],
    ['an object as distinct_id', { event: 'x', distinct_id: {} }, 'distinct_id', 'posthog_invalid_id'],
    [
      'another project',
      { event: 'x', distinct_id: 'u', properties: { token: 'phc_other' } },
      'properties.token',
      'posthog_other_token',
    ],
    [
      '$identify with no anonymous id',
      { event: '$identify', distinct_id: 'u' },
      'properties.$anon_distinct_id',
      'posthog_identify_links_nothing',
    ],
    [
      '$create_alias with no alias',
      { event: '$create_alias', distinct_id: 'u' },
      'properties.alias',
      'posthog_identify_links_nothing',
    ],
  ])('%s', (_name, message, path, reason) => {
    expect(mapPostHogEvent(message, CTX)).toMatchObject({ rejected: { reason, errors: [{ path }] } });
  });
});
