/**
 * The page and referrer columns of an event, memoized by (url, referrer). The URL parser,
 * the query scan and the referrer's public-suffix lookup are the costly parts of enrichment
 * and pure functions of those two strings, and real traffic repeats them: a site's popular
 * pages, the same search engine, the same campaign link.
 *
 * Two generations instead of an LRU list: lookups hit the current map, then the previous one
 * (and move the entry forward); when the current map is full it becomes the previous one.
 * Entries used in the last generation survive, the memory stays bounded, and a hit costs one
 * or two Map lookups and no bookkeeping.
 */
import { type Channel, classifyReferrer } from './referrer.js';
import { parseEventUrl, type ParsedEventUrl } from './url.js';

export interface PageFacts {
  page: ParsedEventUrl;
  referrer_domain: string;
  channel: Channel;
  click_id_type: '' | 'gclid' | 'fbclid' | 'msclkid';
  click_id: string;
}

export interface PageCache {
  get(url: string, referrer: string): PageFacts;
  stats(): { hits: number; misses: number };
}

/** URLs longer than this are enriched but not kept (one-off tracking links would evict the rest). */
const MAX_CACHED_KEY = 2048;

/** A page cache holding about `maxEntries` (per generation) entries. */
export function createPageCache(maxEntries = 10_000): PageCache {
  let current = new Map<string, PageFacts>();
  let previous = new Map<string, PageFacts>();
  let hits = 0;
  let misses = 0;
  return {
    get(url, referrer) {
      const key = referrer === '' ? url : `${url}\n${referrer}`;
      let facts = current.get(key);
      if (facts !== undefined) {
        hits++;
        return facts;
      }
      facts = previous.get(key);
      if (facts !== undefined) hits++;
      else {
        misses++;
        facts = enrich(url, referrer);
        if (key.length > MAX_CACHED_KEY) return facts;
      }
      if (current.size >= maxEntries) {
        previous = current;
        current = new Map();
      }
      current.set(key, facts);
      return facts;
    },
    stats: () => ({ hits, misses }),
  };
}

function enrich(url: string, referrer: string): PageFacts {
  const page = parseEventUrl(url);
  const { referrer_domain, channel } = classifyReferrer({
    referrer,
    pageHost: page.host,
    utm: page.utm,
    clickIds: page.clickIds,
  });
  const { gclid, fbclid, msclkid } = page.clickIds;
  const click_id_type = gclid ? 'gclid' : fbclid ? 'fbclid' : msclkid ? 'msclkid' : '';
  return { page, referrer_domain, channel, click_id_type, click_id: click_id_type ? page.clickIds[click_id_type] : '' };
}
