import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDwellTimer } from './dwell-timer';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

function setup(tabVisible = true) {
  const fired: string[] = [];
  const clock = createDwellTimer<string>(1000, (item) => fired.push(item), tabVisible);
  return { clock, fired };
}

describe('createDwellTimer (the impression clock)', () => {
  it('fires after 1000 ms in view, once', () => {
    const { clock, fired } = setup();
    clock.view('card', true);
    vi.advanceTimersByTime(999);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual(['card']);
    clock.view('card', false);
    clock.view('card', true);
    vi.advanceTimersByTime(5000);
    expect(fired).toEqual(['card']);
  });

  it('300 ms in view is nothing; the clock restarts from zero, it does not add up', () => {
    const { clock, fired } = setup();
    for (let i = 0; i < 5; i++) {
      clock.view('card', true);
      vi.advanceTimersByTime(300);
      clock.view('card', false);
      vi.advanceTimersByTime(100);
    }
    expect(fired).toEqual([]);
  });

  it('a hidden tab stops every clock; visible again starts them from zero', () => {
    const { clock, fired } = setup();
    clock.view('a', true);
    vi.advanceTimersByTime(900);
    clock.tab(false);
    vi.advanceTimersByTime(5000);
    expect(fired).toEqual([]);
    clock.tab(true);
    vi.advanceTimersByTime(999);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual(['a']);
  });

  it('nothing counts while the page starts hidden (prerendered, background tab)', () => {
    const { clock, fired } = setup(false);
    clock.view('a', true);
    vi.advanceTimersByTime(5000);
    expect(fired).toEqual([]);
    clock.tab(true);
    vi.advanceTimersByTime(1000);
    expect(fired).toEqual(['a']);
  });

  it('reset (a new pageview): items may count again, clocks of items in view restart', () => {
    const { clock, fired } = setup();
    clock.view('a', true);
    clock.view('b', true);
    vi.advanceTimersByTime(1000);
    clock.view('b', false);
    clock.view('c', true);
    vi.advanceTimersByTime(600);
    clock.reset();
    vi.advanceTimersByTime(999);
    expect(fired).toEqual(['a', 'b']);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual(['a', 'b', 'a', 'c']); // b is out of view: not again
  });
});
