/**
 * The consumer's user-agent cache hit rate on the bench's traffic: generates N events with
 * bench/traffic.ts and parses each event's user agent (the event's own, else the
 * request's) through the consumer's parser, as the consumer would.
 *
 *   npx tsx bench/ua-cache-hit-rate.ts [events] [cacheSize]
 */
import { createUserAgentParser } from '../consumer/enrich/user-agent.js';
import { createTraffic } from './traffic.js';

const events = Number(process.argv[2] ?? 500_000);
const cacheSize = Number(process.argv[3] ?? 10_000);
const traffic = createTraffic({
  sites: [1, 2, 3].map((i) => ({ key: `k${i}`, host: `site${i}.bench.example` })),
  seed: 1,
});
const parser = createUserAgentParser({ cacheSize });
const distinct = new Set<string>();
let seen = 0;
const started = performance.now();
while (seen < events) {
  const request = traffic.next();
  const body = JSON.parse(request.body) as Array<{ user_agent?: string }> | { batch: Array<{ user_agent?: string }> };
  for (const event of Array.isArray(body) ? body : body.batch) {
    const ua = event.user_agent ?? request.userAgent;
    distinct.add(ua);
    parser.parse(ua);
    seen++;
  }
}
const { hits, misses } = parser.stats();
console.log(
  JSON.stringify({
    events: seen,
    distinctUserAgents: distinct.size,
    cacheSize,
    hitRate: +(hits / (hits + misses)).toFixed(4),
    seconds: +((performance.now() - started) / 1000).toFixed(1),
  }),
);
