/**
 * The clicked element of a posthog-js `$autocapture` event, as our click columns want it:
 * `element_id` (`data-cs-element` when the site uses our attribute, else `#id`) and its text.
 *
 * posthog-js describes the element path either as `$elements` (an array, clicked element
 * first, attributes as `attr__<name>`) or, when the server asks for it, as the string
 * `$elements_chain`: `button:attr__id="buy"nth-child="1"text="Buy";div:…`, values quoted
 * with `\"` escapes.
 */
import { isObject, stringAt } from '../compat/fields.js';

/** What we read from the clicked element. */
export interface AutocapturedElement {
  id?: string;
  text?: string;
}

/** The clicked element's id and text, from whichever form the event carries. */
export function autocapturedElement(properties: Record<string, unknown>): AutocapturedElement {
  const attributes = firstElementAttributes(properties);
  const out: AutocapturedElement = {};
  const own = stringAt(attributes['attr__data-cs-element']);
  const htmlId = stringAt(attributes.attr__id);
  if (own !== undefined) out.id = own;
  else if (htmlId !== undefined) out.id = `#${htmlId}`;
  const text = stringAt(properties.$el_text) ?? stringAt(attributes.$el_text) ?? stringAt(attributes.text);
  if (text !== undefined) out.text = text;
  return out;
}

function firstElementAttributes(properties: Record<string, unknown>): Record<string, unknown> {
  const elements = properties.$elements;
  if (Array.isArray(elements) && isObject(elements[0])) return elements[0];
  const chain = properties.$elements_chain;
  return typeof chain === 'string' ? parseChainElement(chain) : {};
}

/** The `key="value"` pairs of the first element of an elements chain (up to the first unquoted `;`). */
export function parseChainElement(chain: string): Record<string, string> {
  const out: Record<string, string> = {};
  const pair = /([A-Za-z0-9_$:.-]+)="((?:[^"\\]|\\.)*)"/y;
  // Skip the tag and class part (`button.primary:`) up to the first ':'.
  let i = chain.indexOf(':') + 1;
  if (i === 0) return out;
  while (i < chain.length && chain[i] !== ';') {
    pair.lastIndex = i;
    const m = pair.exec(chain);
    if (m === null) break;
    out[m[1] as string] = (m[2] as string).replace(/\\(.)/g, '$1');
    i = pair.lastIndex;
  }
  return out;
}
