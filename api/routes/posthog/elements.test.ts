import { describe, expect, it } from 'vitest';
import { autocapturedElement, parseChainElement } from './elements.js';

describe('autocapturedElement', () => {
  it.each([
    [
      '$elements, #id',
      { $elements: [{ tag_name: 'button', attr__id: 'buy', $el_text: 'Buy' }, { tag_name: 'body' }] },
      { id: '#buy', text: 'Buy' },
    ],
    [
      '$elements, data-cs-element wins',
      { $elements: [{ attr__id: 'x', 'attr__data-cs-element': 'hero-cta' }] },
      { id: 'hero-cta' },
    ],
    [
      '$el_text on the event wins',
      { $el_text: 'Add to cart', $elements: [{ attr__id: 'a', $el_text: 'other' }] },
      { id: '#a', text: 'Add to cart' },
    ],
    [
      'chain string',
      { $elements_chain: 'button:attr__id="b"attr_id="b"nth-child="1"text="Buy";body:nth-child="2"', $el_text: 'Buy' },
      { id: '#b', text: 'Buy' },
    ],
    [
      'chain with a class and escaped quotes',
      { $elements_chain: 'a.btn.primary:attr__id="say \\"hi\\""href="/x";div:attr__id="outer"' },
      { id: '#say "hi"' },
    ],
    ['no element info', {}, {}],
    [
      'an id on an ancestor only is not the element',
      { $elements_chain: 'span:text="x";div:attr__id="outer"' },
      { text: 'x' },
    ],
  ])('%s', (_name, properties, expected) => {
    expect(autocapturedElement(properties)).toEqual(expected);
  });

  it('reads pairs only up to the first element', () => {
    expect(parseChainElement('button:nth-child="1";div:attr__id="outer"')).toEqual({ 'nth-child': '1' });
    expect(parseChainElement('no colon')).toEqual({});
  });
});
