/**
 * Automatic clicks on `a`, `button` and `[data-cs-click]`, attributed to the nearest
 * tracked element (the clicked one, or an ancestor with `data-cs-impression` or
 * `data-cs-click`), so a card's clicks and impressions share one `element_id`. Nothing
 * inside `[data-cs-ignore]`; the text is the element's visible text, never a form value.
 */

import { elementId } from './element-id';

const CLICKABLE = 'a,button,[data-cs-click]';
const OWNER = '[data-cs-impression],[data-cs-click]';
const TEXT_MAX = 100;

/** The payload of a click event. */
export type ClickPayload = {
  element_id: string;
  /** Page coordinates (scrolling included), as the heatmap mart buckets them. */
  x: number;
  y: number;
  href?: string;
  text: string;
};

/** Calls `fire(payload)` for every tracked click. */
export function trackClicks(fire: (payload: ClickPayload) => void): void {
  document.addEventListener(
    'click',
    (e) => {
      const el = (e.target as Element).closest?.(CLICKABLE);
      if (!el || el.closest('[data-cs-ignore]')) return;
      fire({
        element_id: elementId(el.closest(OWNER) ?? el),
        x: Math.round(e.pageX),
        y: Math.round(e.pageY),
        // An SVG link's href is an SVGAnimatedString (no slice): only a string is a URL.
        href: (el as HTMLAnchorElement).href?.slice?.(0, 2048),
        // innerText, not textContent: the text a visitor sees (no <script>, no hidden parts).
        // biome-ignore lint/performance/useDomNodeTextContent: the visible text is the point
        text: ((el as HTMLElement).innerText || el.getAttribute('aria-label') || '')
          .replace(/\s+/g, ' ')
          .trim()
          .slice(0, TEXT_MAX),
      });
    },
    true,
  );
}
