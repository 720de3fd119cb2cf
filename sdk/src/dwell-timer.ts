/**
 * The viewability clock behind impressions: an item counts once it has been in view for
 * `ms` without a break while the tab is visible. Leaving the view or hiding the tab
 * cancels its clock; coming back starts it from zero (the display-ad rule: continuous,
 * not cumulative). Pure: the observers that feed it live in impressions.ts.
 */

/** The clock's inputs; see {@link createDwellTimer}. */
export interface DwellTimer<T> {
  /** `item` is now in view (enough of it) or not. */
  view(item: T, inView: boolean): void;
  /** The tab became visible or hidden. */
  tab(visible: boolean): void;
  /** A new pageview: every item may count once more; the clocks of items in view restart. */
  reset(): void;
}

/** Calls `fire(item)` once per item per {@link DwellTimer.reset} period, after `ms` in view. */
export function createDwellTimer<T>(ms: number, fire: (item: T) => void, tabVisible = true): DwellTimer<T> {
  const inView = new Set<T>();
  const done = new Set<T>();
  const clocks = new Map<T, ReturnType<typeof setTimeout>>();
  const start = (item: T) => {
    if (tabVisible && !done.has(item) && !clocks.has(item)) {
      clocks.set(
        item,
        setTimeout(() => {
          clocks.delete(item);
          done.add(item);
          fire(item);
        }, ms),
      );
    }
  };
  const stop = (item: T) => {
    clearTimeout(clocks.get(item));
    clocks.delete(item);
  };
  return {
    view(item, visible) {
      if (visible) {
        inView.add(item);
        start(item);
      } else {
        inView.delete(item);
        stop(item);
      }
    },
    tab(visible) {
      tabVisible = visible;
      inView.forEach(visible ? start : stop);
    },
    reset() {
      done.clear();
      for (const item of clocks.keys()) stop(item);
      inView.forEach(start);
    },
  };
}
