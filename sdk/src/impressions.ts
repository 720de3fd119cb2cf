/**
 * Automatic impressions of `[data-cs-impression]` elements, added at any time: at least
 * half of the element in the viewport for 1 s without a break while the tab is visible
 * (the display-ad viewability standard), once per element per pageview.
 */
import { createDwellTimer } from './dwell-timer';

/** Share of the element that must be in the viewport. */
export const MIN_VISIBLE = 0.5;
/** How long it must stay there. */
export const DWELL_MS = 1000;

const SELECTOR = '[data-cs-impression]';

/** Starts watching; `reset()` at each new pageview. */
export function trackImpressions(fire: (el: Element) => void): { reset(): void } {
  const visible = () => !document.hidden;
  const clock = createDwellTimer<Element>(DWELL_MS, fire, visible());
  const watched = new WeakSet<Element>();
  const io = new IntersectionObserver(
    (entries) => {
      for (const e of entries) clock.view(e.target, e.intersectionRatio >= MIN_VISIBLE);
    },
    // 0 as well, so leaving the viewport entirely is always reported.
    { threshold: [0, MIN_VISIBLE] },
  );
  const scan = () =>
    document.querySelectorAll(SELECTOR).forEach((el) => {
      if (!watched.has(el)) {
        watched.add(el);
        io.observe(el);
      }
    });
  scan();
  new MutationObserver(scan).observe(document.documentElement, {
    childList: true,
    subtree: true,
    attributeFilter: ['data-cs-impression'],
  });
  document.addEventListener('visibilitychange', () => clock.tab(visible()));
  return clock;
}
