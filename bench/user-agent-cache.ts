/**
 * Micro-benchmark: user agent parsing with and without the LRU cache.
 *
 *   npx tsx bench/user-agent-cache.ts
 *
 * Parses 100k user agents drawn from ~2k distinct realistic strings. The draw is Zipf-like
 * (rank r picked with weight 1/r), as real traffic is: a handful of current Chrome/Safari
 * builds dominate, with a long tail of old versions, devices and bots. Seeded, so runs are
 * comparable. Not a test: numbers depend on the machine.
 */
import { performance } from 'node:perf_hooks';
import { createUserAgentParser } from '../consumer/enrich/user-agent.js';

const DRAWS = 100_000;
const DISTINCT = 2_000;

/** mulberry32: a tiny seeded PRNG, so every run draws the same sequence. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function distinctUserAgents(random: () => number): string[] {
  const set = new Set<string>();
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  const desktops = [
    'Windows NT 10.0; Win64; x64',
    'Macintosh; Intel Mac OS X 10_15_7',
    'X11; Linux x86_64',
    'X11; CrOS x86_64 15633.69.0',
  ];
  const androidModels = [
    'K',
    'SM-S918B',
    'SM-A546B',
    'SM-G991B',
    'Pixel 7',
    'Pixel 8 Pro',
    '2201116SG',
    'CPH2451',
    'M2101K6G',
    'moto g(60)',
    'SM-X710',
    'Lenovo TB-X606F',
  ];
  const bots = [
    'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
    'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
    'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.0; +https://openai.com/gptbot)',
    'Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)',
    'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)',
  ];
  for (const b of bots) set.add(b);
  while (set.size < DISTINCT) {
    const chrome = 100 + Math.floor(random() * 32);
    const firefox = 100 + Math.floor(random() * 34);
    const ios = `${16 + Math.floor(random() * 3)}_${Math.floor(random() * 7)}`;
    const build = `${chrome}.0.${6000 + Math.floor(random() * 700)}.${Math.floor(random() * 200)}`;
    switch (Math.floor(random() * 8)) {
      case 0:
        set.add(
          `Mozilla/5.0 (${pick(desktops)}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${chrome}.0.0.0 Safari/537.36`,
        );
        break;
      case 1:
        set.add(
          `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${chrome}.0.0.0 Safari/537.36 Edg/${build}`,
        );
        break;
      case 2:
        set.add(`Mozilla/5.0 (${pick(desktops.slice(0, 3))}; rv:${firefox}.0) Gecko/20100101 Firefox/${firefox}.0`);
        break;
      case 3:
        set.add(
          `Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/${ios.replace('_', '.')} Safari/605.1.15`,
        );
        break;
      case 4:
        set.add(
          `Mozilla/5.0 (${pick(['iPhone; CPU iPhone OS', 'iPad; CPU OS'])} ${ios} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/${ios.replace('_', '.')} Mobile/15E148 Safari/604.1`,
        );
        break;
      case 5:
        set.add(
          `Mozilla/5.0 (Linux; Android ${10 + Math.floor(random() * 5)}; ${pick(androidModels)}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${build} Mobile Safari/537.36`,
        );
        break;
      case 6:
        set.add(
          `Mozilla/5.0 (Linux; Android ${10 + Math.floor(random() * 5)}; ${pick(androidModels)}) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/${20 + Math.floor(random() * 6)}.0 Chrome/${build} Mobile Safari/537.36`,
        );
        break;
      default:
        set.add(
          `Mozilla/5.0 (iPhone; CPU iPhone OS ${ios} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram ${300 + Math.floor(random() * 40)}.0.0.${Math.floor(random() * 30)}.${Math.floor(random() * 120)} (iPhone14,5; iOS ${ios}; en_US)`,
        );
    }
  }
  return [...set];
}

/** DRAWS indexes into `n` items, rank r with weight 1/(r+1). */
function zipfDraws(n: number, random: () => number): Uint32Array {
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let r = 0; r < n; r++) cumulative[r] = total += 1 / (r + 1);
  const out = new Uint32Array(DRAWS);
  for (let i = 0; i < DRAWS; i++) {
    const target = random() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((cumulative[mid] as number) < target) lo = mid + 1;
      else hi = mid;
    }
    out[i] = lo;
  }
  return out;
}

function run(label: string, cacheSize: number, uas: readonly string[], draws: Uint32Array): void {
  const parser = createUserAgentParser({ cacheSize });
  let sink = 0; // consume results so nothing is optimized away
  const start = performance.now();
  for (let i = 0; i < draws.length; i++) sink += parser.parse(uas[draws[i] as number] as string).browser.length;
  const ms = performance.now() - start;
  const { hits, misses, size } = parser.stats();
  const rate = Math.round(draws.length / (ms / 1000));
  const hitRate = ((100 * hits) / (hits + misses)).toFixed(1);
  console.log(
    `${label.padEnd(24)} ${String(rate.toLocaleString('en-US')).padStart(11)} parses/s  ${ms.toFixed(0).padStart(6)} ms  hit rate ${hitRate.padStart(5)}%  (hits ${hits}, misses ${misses}, size ${size})  [${sink % 10}]`,
  );
}

const random = prng(42);
const uas = distinctUserAgents(random);
const draws = zipfDraws(uas.length, random);
const seen = new Set(draws).size;
console.log(
  `${DRAWS.toLocaleString('en-US')} parses, ${uas.length} distinct user agents (${seen} drawn at least once), Zipf-like draw, node ${process.version}`,
);

// Warm up the JIT on both paths so the first measured run is not penalized.
run('warm-up (ignore)', 0, uas, draws.subarray(0, 5_000));
run('no cache', 0, uas, draws);
run('cache 10k (all fit)', 10_000, uas, draws);
run('cache 500 (tail evicts)', 500, uas, draws);
