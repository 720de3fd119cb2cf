/**
 * A seeded, messy event set for comparing builds (single server against cluster): visitors
 * with and without anonymous ids, users on several devices, identify links (one anonymous id
 * claimed by two users), client sessions and cookieless gap sessions, conversions with and
 * without clicks before them, heatmap clicks, bots, and duplicates of events, some of them
 * moved across midnight by a retry's skew correction. Every value is explicit (inserted_at
 * too), so the same set inserted anywhere is the same rows.
 */
import { createRandom, pick, randomInt } from '../../bench/random.js';
import { type FixtureEvent, fixtureId } from './mart-fixtures.js';

const TYPES = ['pageview', 'pageview', 'pageview', 'impression', 'impression', 'click', 'checkout', 'signup'];
const PATHS = ['/', '/pricing', '/product', '/cart', '/blog/a', '/blog/b'];
const SOURCES = [
  { channel: 'search', referrer_domain: 'google.com', utm_source: '', utm_medium: '', utm_campaign: '' },
  { channel: 'social', referrer_domain: 't.co', utm_source: 'tw', utm_medium: 'social', utm_campaign: 'launch' },
  { channel: 'email', referrer_domain: '', utm_source: 'news', utm_medium: 'email', utm_campaign: 'may' },
  { channel: 'direct', referrer_domain: '', utm_source: '', utm_medium: '', utm_campaign: '' },
];
const DEVICES = [
  { device_type: 'desktop', browser: 'Chrome', os: 'Linux' },
  { device_type: 'mobile', browser: 'Safari', os: 'iOS' },
  { device_type: 'tablet', browser: 'Firefox', os: 'Android' },
];

const iso = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

/** `count` events (plus duplicates) of `site` over the three UTC days around `day`, from `seed`. */
export function randomEvents(site: string, day: string, count: number, seed = 17): FixtureEvent[] {
  const random = createRandom(seed);
  const start = Date.parse(`${day}T00:00:00Z`) - 86_400_000;
  const events: FixtureEvent[] = [];
  let n = 0;
  while (events.length < count) {
    const visitor = randomInt(random, 1, 400);
    const anonymous = visitor % 5 < 2 ? `anon-${visitor % 170}` : '';
    const user = visitor % 7 === 0 ? `user-${visitor % 40}` : '';
    const clientSession = random() < 0.7;
    const source = pick(random, SOURCES);
    const device = DEVICES[visitor % DEVICES.length]!;
    let ts = start + randomInt(random, 0, 3 * 86_400_000 - 3_600_000);
    const visit = randomInt(random, 1, 8);
    for (let i = 0; i < visit && events.length < count; i++) {
      ts += randomInt(random, 1_000, clientSession ? 600_000 : 2_400_000);
      const type = user && i === 0 && anonymous ? 'identify' : pick(random, TYPES);
      const click = type === 'click';
      events.push({
        site_id: site,
        event_id: fixtureId(site, ++n),
        type,
        ts: iso(ts),
        received_at: iso(ts + 200),
        inserted_at: iso(ts + 1_000),
        session_id: clientSession ? `sess-${visitor}-${Math.floor(ts / 7_200_000)}` : '',
        user_id: user,
        anonymous_id: anonymous,
        visitor_id: user ? `u:${user}` : `h-${visitor}-${Math.floor(ts / 86_400_000)}`,
        path: pick(random, PATHS),
        element_id: click || type === 'impression' ? `card-${randomInt(random, 1, 6)}` : '',
        x: click ? randomInt(random, 0, 1200) : null,
        y: click ? randomInt(random, 0, 900) : null,
        is_bot: visitor % 37 === 0,
        properties: type === 'checkout' ? { revenue: String(randomInt(random, 5, 200)) } : {},
        ...source,
        ...device,
      });
    }
  }
  // duplicates: a retry loaded again later, its ts a few ms off (now and then across midnight)
  for (const original of events.filter((_, i) => i % 19 === 0)) {
    const ts = Date.parse(`${original.ts.replace(' ', 'T')}Z`);
    const skew = randomInt(random, -5, 5);
    events.push({ ...original, ts: iso(ts + skew), inserted_at: iso(ts + 60_000) });
  }
  const midnight = Date.parse(`${day}T00:00:00Z`);
  events.push(
    { ...events[0]!, event_id: fixtureId(site, ++n), ts: iso(midnight - 2), inserted_at: iso(midnight + 1_000) },
    { ...events[0]!, event_id: fixtureId(site, n), ts: iso(midnight + 1), inserted_at: iso(midnight + 9_000) },
  );
  return events;
}
