import { describe, expect, it } from 'vitest';
import { CUSTOM_EVENT_TYPE } from '../../event-rules.js';
import { eventNameToType } from './event-type.js';

describe('eventNameToType', () => {
  it.each([
    ['Order Completed', 'order_completed'],
    ['order_completed', 'order_completed'],
    ['Signed Up!', 'signed_up'],
    ['  Product   Viewed  ', 'product_viewed'],
    ['Cart: Item-Added (v2)', 'cart_item_added_v2'],
    ['checkout', 'checkout'],
    ['CamelCaseName', 'camelcasename'],
    ['Größe gewählt', 'gr_e_gew_hlt'],
    ['404 Error', 'custom_404_error'],
    ['_private', 'private'],
    ['Click', 'custom_click'],
    ['Pageview', 'custom_pageview'],
    ['identify', 'custom_identify'],
    ['Impression', 'custom_impression'],
    ['Screen', 'screen'],
    ['注文', 'custom'],
    ['', 'custom'],
    ['!!!', 'custom'],
  ])('%j → %j', (name, type) => {
    expect(eventNameToType(name)).toBe(type);
  });

  it('cuts long names to 64 characters without a trailing _', () => {
    const type = eventNameToType(`${'a'.repeat(63)} b`);
    expect(type).toBe('a'.repeat(63));
    expect(eventNameToType('x'.repeat(200))).toHaveLength(64);
  });

  it.each(['Order Completed', '404', 'Click', '注文', 'a'.repeat(300), '9'.repeat(70)])(
    'always gives a valid custom type: %j',
    (name) => {
      expect(eventNameToType(name)).toMatch(CUSTOM_EVENT_TYPE);
    },
  );
});
