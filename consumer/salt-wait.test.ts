import { describe, expect, it } from 'vitest';
import { loadSalts } from './salt-wait.js';
import type { VisitorSalts } from '../lib/visitor-salts.js';

/** Salts from a "Postgres" that fails `failures` times, then answers. */
function flakySalts(failures: number): VisitorSalts & { calls: number } {
  const s = {
    calls: 0,
    async forDay(day: string) {
      s.calls++;
      if (s.calls <= failures) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
      return `salt-of-${day}`;
    },
  };
  return s;
}

describe('loadSalts', () => {
  it('waits through a Postgres outage, heartbeating and reporting, then returns every salt', async () => {
    const salts = flakySalts(4);
    const events: string[] = [];
    let beats = 0;
    const result = await loadSalts(['2026-01-01'], {
      salts,
      signal: new AbortController().signal,
      heartbeat: async () => {
        beats++;
      },
      onWaiting: (error, attempt) => events.push(error === undefined ? 'resumed' : `waiting ${attempt}`),
      maxDelayMs: 5,
    });
    expect(result.get('2026-01-01')).toBe('salt-of-2026-01-01');
    expect(events).toEqual(['waiting 1', 'waiting 2', 'waiting 3', 'waiting 4', 'resumed']);
    expect(beats).toBe(4);
  });

  it('says nothing when the salts are there at once', async () => {
    const events: unknown[] = [];
    await loadSalts(['2026-01-01', '2026-01-02'], {
      salts: flakySalts(0),
      signal: new AbortController().signal,
      heartbeat: async () => {},
      onWaiting: (e) => events.push(e),
    });
    expect(events).toEqual([]);
  });

  it('stops waiting on shutdown, with nothing returned (the batch is neither loaded nor committed)', async () => {
    const stop = new AbortController();
    const waiting = loadSalts(['2026-01-01'], {
      salts: flakySalts(Number.POSITIVE_INFINITY),
      signal: stop.signal,
      heartbeat: async () => {},
      onWaiting: () => {},
      maxDelayMs: 5,
    });
    setTimeout(() => stop.abort(new Error('shutdown')), 20);
    await expect(waiting).rejects.toThrow(); // an AbortError from the sleep, or the reason itself
  });
});
