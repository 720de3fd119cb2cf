import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createWarningSummary } from './log-summary.js';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { logger, lines };
}

describe('createWarningSummary', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('logs the first warning at once and one summary per window for a storm of the same key', () => {
    const { logger, lines } = capture();
    const summary = createWarningSummary(logger, { windowMs: 10_000 });
    for (let i = 0; i < 5000; i++) summary.warn('sink_unavailable', { events: i }, 'sink_unavailable');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ msg: 'sink_unavailable', events: 0 });

    vi.advanceTimersByTime(10_000);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({ msg: 'sink_unavailable', repeated: 4999, window_s: 10, events: 4999 });

    // The storm goes on: one line per window, not one per warning.
    for (let i = 0; i < 3000; i++) summary.warn('sink_unavailable', { events: i }, 'sink_unavailable');
    vi.advanceTimersByTime(10_000);
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatchObject({ repeated: 3000 });
  });

  it('closes a quiet window silently, so the next occurrence is logged at once', () => {
    const { logger, lines } = capture();
    const summary = createWarningSummary(logger, { windowMs: 1000 });
    summary.warn('k', {}, 'first');
    vi.advanceTimersByTime(5000);
    expect(lines).toHaveLength(1);
    summary.warn('k', {}, 'again');
    expect(lines.map((l) => l.msg)).toEqual(['first', 'again']);
  });

  it('keeps keys apart', () => {
    const { logger, lines } = capture();
    const summary = createWarningSummary(logger);
    summary.warn('a', {}, 'a');
    summary.warn('b', {}, 'b');
    summary.warn('a', {}, 'a');
    expect(lines.map((l) => l.msg)).toEqual(['a', 'b']);
    summary.close();
    expect(lines.at(-1)).toMatchObject({ msg: 'a', repeated: 1 });
  });

  it('logs every warning of keys beyond maxKeys rather than dropping them', () => {
    const { logger, lines } = capture();
    const summary = createWarningSummary(logger, { maxKeys: 1 });
    summary.warn('a', {}, 'a');
    summary.warn('b', {}, 'b');
    summary.warn('b', {}, 'b');
    expect(lines.map((l) => l.msg)).toEqual(['a', 'b', 'b']);
  });
});
