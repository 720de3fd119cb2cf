/**
 * `element_id`: what the marts group impressions and clicks by, so it must be the same for
 * the same element on every page load. The site's own name (`data-cs-element`) wins, then
 * the element's `id`, then a short CSS path (stable while the page's structure is).
 */

/** The collector's limit on ids. */
const MAX_LENGTH = 128;

/** The `element_id` of `el`. */
export function elementId(el: Element): string {
  return (el.getAttribute('data-cs-element') || (el.id ? `#${el.id}` : cssPath(el))).slice(0, MAX_LENGTH);
}

/**
 * Up to 5 levels, stopping at an ancestor with an id or at `body`:
 * `#catalog>div:nth-child(2)>button`.
 */
export function cssPath(el: Element): string {
  const parts: string[] = [];
  for (let e: Element | null = el; e && parts.length < 5; e = e.parentElement) {
    if (e !== el && e.id) {
      parts.unshift(`#${e.id}`);
      break;
    }
    const siblings = [...(e.parentElement?.children ?? [])];
    parts.unshift(e.localName + (siblings.length > 1 ? `:nth-child(${siblings.indexOf(e) + 1})` : ''));
    if (e.localName === 'body') break;
  }
  return parts.join('>');
}
