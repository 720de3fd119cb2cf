/**
 * One row per line of the "Segment: how a message maps" table in api/README.md: the message
 * a Segment client sends, and the POST /events event it becomes (or the refusal).
 */
import { describe, expect, it } from 'vitest';
import { eventIdFromMessageId } from '../compat/event-id.js';
import { NO_USER_AGENT } from '../compat/mapped-batch.js';
import { mapSegmentMessage } from './map-message.js';

const SITE = 'shop';
const ID = (messageId: string) => eventIdFromMessageId(SITE, messageId);
const library = { library: { name: 'analytics.js', version: 'npm:next-1.84.3' } };

describe('mapSegmentMessage: each mapping row', () => {
  it.each([
    [
      'track: type from the name, the name kept as properties.event',
      {
        type: 'track',
        event: 'Order Completed',
        properties: { revenue: 42, currency: 'EUR' },
        userId: 'u1',
        anonymousId: 'a1',
        messageId: 'ajs-next-1-x',
        timestamp: '2025-06-01T11:59:00.000Z',
      },
      {
        type: 'order_completed',
        event_id: ID('ajs-next-1-x'),
        user_id: 'u1',
        anonymous_id: 'a1',
        created_at: '2025-06-01T11:59:00.000Z',
        payload: { revenue: 42, currency: 'EUR', event: 'Order Completed' },
      },
    ],
    [
      'track in a browser: context.userAgent, context.page.url/referrer, context.campaign into the URL, the rest of context kept',
      {
        type: 'track',
        event: 'Add To Cart',
        anonymousId: 'a1',
        context: {
          userAgent: 'Mozilla/5.0 X',
          page: { url: 'https://shop.example/p/1?ref=x', referrer: 'https://news.example/', title: 'P1' },
          campaign: { source: 'google', medium: 'cpc', name: 'spring', term: 'shoes', content: 'ad1' },
          ip: '203.0.113.9',
          locale: 'de-DE',
          ...library,
        },
      },
      {
        type: 'add_to_cart',
        anonymous_id: 'a1',
        user_agent: 'Mozilla/5.0 X',
        url: 'https://shop.example/p/1?ref=x&utm_source=google&utm_medium=cpc&utm_campaign=spring&utm_term=shoes&utm_content=ad1',
        referrer: 'https://news.example/',
        payload: { event: 'Add To Cart' },
        context: { locale: 'de-DE', ...library },
      },
    ],
    [
      'track on a server: campaign with no page goes to properties',
      { type: 'track', event: 'Signup', userId: 7, context: { campaign: { source: 'newsletter' } } },
      { type: 'signup', user_id: '7', payload: { event: 'Signup', utm_source: 'newsletter' } },
    ],
    [
      'page → pageview: properties.url/referrer/title become columns, name and category stay',
      {
        type: 'page',
        name: 'Home',
        category: 'Landing',
        anonymousId: 'a1',
        properties: {
          url: 'https://shop.example/?utm_source=x',
          path: '/',
          search: '?utm_source=x',
          referrer: 'https://google.com/',
          title: 'Welcome',
          variant: 'b',
        },
        context: { page: { url: 'https://ignored.example/' } },
      },
      {
        type: 'pageview',
        anonymous_id: 'a1',
        url: 'https://shop.example/?utm_source=x',
        referrer: 'https://google.com/',
        payload: { variant: 'b', name: 'Home', category: 'Landing', event_title: 'Welcome' },
      },
    ],
    [
      'page with only path + search, an empty referrer',
      { type: 'page', anonymousId: 'a1', properties: { path: '/catalog', search: '?q=shoes', referrer: '' } },
      { type: 'pageview', anonymous_id: 'a1', url: '/catalog?q=shoes', payload: {} },
    ],
    [
      'screen → screen with its name',
      { type: 'screen', name: 'Checkout', userId: 'u1', properties: { step: 2 } },
      { type: 'screen', user_id: 'u1', payload: { step: 2, name: 'Checkout' } },
    ],
    [
      'identify → the identity link, traits as properties',
      { type: 'identify', userId: 'u1', anonymousId: 'a1', traits: { plan: 'pro' } },
      { type: 'identify', user_id: 'u1', anonymous_id: 'a1', payload: { plan: 'pro' } },
    ],
    [
      'alias → the identity link with anonymous_id = previousId',
      { type: 'alias', userId: 'u1', previousId: 'a1', anonymousId: 'ignored' },
      { type: 'identify', user_id: 'u1', anonymous_id: 'a1', payload: {} },
    ],
    [
      'group → group, groupId and traits as properties',
      { type: 'group', userId: 'u1', groupId: 'acme', traits: { seats: 5 } },
      { type: 'group', user_id: 'u1', payload: { seats: 5, group_id: 'acme' } },
    ],
    [
      'originalTimestamp when there is no timestamp; unknown fields kept; transport fields dropped',
      {
        type: 'track',
        event: 'x',
        userId: 'u1',
        originalTimestamp: '2025-06-01T10:00:00Z',
        sentAt: '2025-06-01T10:00:01Z',
        writeKey: 'secret',
        integrations: { All: true },
        _metadata: { bundled: [] },
        channel: 'server',
      },
      { type: 'x', user_id: 'u1', created_at: '2025-06-01T10:00:00Z', channel: 'server', payload: { event: 'x' } },
    ],
    [
      'a top-level field named like one of ours cannot replace the mapped value: it goes to properties',
      { type: 'track', event: 'x', userId: 'u1', user_id: 'spoofed', payload: 'p', __proto__x: 1 },
      { type: 'x', user_id: 'u1', __proto__x: 1, payload: { event: 'x', user_id: 'spoofed', payload: 'p' } },
    ],
  ])('%s', (_name, message, event) => {
    const mapped = mapSegmentMessage(message, { siteId: SITE });
    // A message with no user agent of its own gets "unknown", not its server library's.
    expect('event' in mapped && mapped.event).toEqual({ user_agent: NO_USER_AGENT, ...event });
  });

  it('context.ip is handed on for the visitor hash (never stored in the event)', () => {
    const mapped = mapSegmentMessage(
      { type: 'track', event: 'x', userId: 'u', context: { ip: '203.0.113.9' } },
      { siteId: SITE },
    );
    expect(mapped).toEqual({
      event: { type: 'x', user_id: 'u', user_agent: '', payload: { event: 'x' } },
      clientIp: '203.0.113.9',
    });
  });

  it('a single-call endpoint names the call; a batch context applies to every message, the message wins', () => {
    const mapped = mapSegmentMessage(
      { event: 'Play', anonymousId: 'a1', context: { locale: 'fr' } },
      { siteId: SITE, call: 'track', batchContext: { locale: 'en', userAgent: 'UA batch' } },
    );
    expect(mapped).toEqual({
      event: {
        type: 'play',
        anonymous_id: 'a1',
        user_agent: 'UA batch',
        payload: { event: 'Play' },
        context: { locale: 'fr' },
      },
    });
  });

  it('derives the same event_id for the same (site, messageId) only', () => {
    const id = (siteId: string, messageId: string) =>
      (
        mapSegmentMessage({ type: 'track', event: 'x', userId: 'u', messageId }, { siteId }) as {
          event: { event_id: string };
        }
      ).event.event_id;
    expect(id('shop', 'm-1')).toBe(id('shop', 'm-1'));
    expect(id('shop', 'm-1')).not.toBe(id('other', 'm-1'));
  });
});

describe('mapSegmentMessage: refusals', () => {
  it.each([
    ['not an object', 'x', '', 'segment_not_an_object'],
    ['unknown type', { type: 'purchase', userId: 'u' }, 'type', 'segment_invalid_type'],
    ['no type', { userId: 'u' }, 'type', 'segment_invalid_type'],
    [
      'context not an object',
      { type: 'track', event: 'x', userId: 'u', context: 'web' },
      'context',
      'segment_invalid_context',
    ],
    ['no id at all', { type: 'track', event: 'x' }, 'userId', 'segment_missing_id'],
    ['an object as userId', { type: 'track', event: 'x', userId: { id: 1 } }, 'userId', 'segment_invalid_id'],
    ['a boolean as anonymousId', { type: 'track', event: 'x', anonymousId: true }, 'anonymousId', 'segment_invalid_id'],
    ['track without a name', { type: 'track', userId: 'u' }, 'event', 'segment_missing_event'],
    ['track with a blank name', { type: 'track', event: '  ', userId: 'u' }, 'event', 'segment_missing_event'],
    [
      'identify with a userId only',
      { type: 'identify', userId: 'u', traits: { a: 1 } },
      'anonymousId',
      'segment_identify_links_nothing',
    ],
    [
      'identify with an anonymousId only',
      { type: 'identify', anonymousId: 'a' },
      'userId',
      'segment_identify_links_nothing',
    ],
    ['alias without previousId', { type: 'alias', userId: 'u' }, 'previousId', 'segment_missing_id'],
    ['alias without userId', { type: 'alias', previousId: 'a' }, 'userId', 'segment_missing_id'],
    ['group without groupId', { type: 'group', userId: 'u' }, 'groupId', 'segment_missing_group_id'],
  ])('%s', (_name, message, path, reason) => {
    const mapped = mapSegmentMessage(message, { siteId: SITE });
    expect(mapped).toMatchObject({ rejected: { reason, errors: [{ path }] } });
  });
});
