import { afterEach, describe, expect, it, vi } from 'vitest';
import { BEACON_BYTES, beacon } from './delivery';
import type { CsEvent } from './types';

const event = (i: number, size = 1000): CsEvent => ({
  type: 'click',
  event_id: `id-${i}`,
  session_id: 's',
  anonymous_id: 'a',
  url: 'https://shop.example/',
  created_at: new Date(0).toISOString(),
  payload: { filler: 'é'.repeat(size / 2) }, // 2 UTF-8 bytes each: chunks are sized in bytes
});

function beacons(quota = Number.POSITIVE_INFINITY) {
  const taken: string[] = [];
  let used = 0;
  vi.stubGlobal('navigator', {
    sendBeacon(_url: string, data: string) {
      const size = new Blob([data]).size;
      if (used + size > quota) return false;
      used += size;
      taken.push(data);
      return true;
    },
  });
  return taken;
}

afterEach(() => vi.unstubAllGlobals());

describe('beacon', () => {
  it(`sends {batch, sent_at} chunks under ${BEACON_BYTES} bytes, in order`, () => {
    const taken = beacons();
    const batch = Array.from({ length: 200 }, (_, i) => event(i));
    expect(beacon('/events?key=k', batch)).toBe(200);
    expect(taken.length).toBeGreaterThan(3);
    const sent = taken.flatMap((body) => {
      expect(new Blob([body]).size).toBeLessThan(BEACON_BYTES);
      const parsed = JSON.parse(body) as { batch: CsEvent[]; sent_at: string };
      expect(Date.parse(parsed.sent_at)).not.toBeNaN();
      return parsed.batch.map((e) => e.event_id);
    });
    expect(sent).toEqual(batch.map((e) => e.event_id));
  });

  it('stops at the first chunk the browser refuses and says how many events went', () => {
    beacons(64 * 1024);
    const batch = Array.from({ length: 200 }, (_, i) => event(i));
    const n = beacon('/events?key=k', batch);
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThan(200);
  });

  it('an event too big for any beacon stays queued', () => {
    const taken = beacons();
    expect(beacon('/events?key=k', [event(0, 70_000), event(1)])).toBe(0);
    expect(taken).toEqual([]);
  });
});
