/**
 * Automatic pageviews: on load, on every SPA navigation that changes the path or the query
 * (`pushState`, `replaceState`, `popstate`; a hash change is not a page), and again when
 * the back/forward cache restores the page. A prerendered page counts only once the
 * visitor actually opens it.
 */

/** Calls `pageview()` whenever the visitor sees a new page. */
export function trackPageviews(pageview: () => void): void {
  let last: string | undefined;
  const check = () => {
    const page = location.pathname + location.search;
    if (page !== last) {
      last = page;
      pageview();
    }
  };
  for (const name of ['pushState', 'replaceState'] as const) {
    const original = history[name];
    history[name] = function (this: History, ...args: Parameters<History['pushState']>) {
      original.apply(this, args);
      check();
    };
  }
  addEventListener('popstate', check);
  addEventListener('pageshow', (e) => {
    if (e.persisted) pageview();
  });
  if ((document as { prerendering?: boolean }).prerendering) {
    document.addEventListener('prerenderingchange', check, { once: true });
  } else check();
}
