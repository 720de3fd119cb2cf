/**
 * The fixed vocabulary of synthetic traffic: real user-agent strings (browsers and
 * bots), where visitors come from (referrers and UTM tags), and what a site's pages
 * are. Weights are rough shares of real web traffic, not measurements.
 */

/** Browser user agents, weighted roughly like today's traffic (Chrome-heavy, a third mobile). */
export const BROWSER_USER_AGENTS: ReadonlyArray<readonly [string, number]> = [
  [
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
    30,
  ],
  [
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36',
    10,
  ],
  [
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
    8,
  ],
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0', 6],
  ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36', 3],
  [
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0',
    5,
  ],
  [
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
    18,
  ],
  [
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.71 Mobile Safari/537.36',
    12,
  ],
  [
    'Mozilla/5.0 (Linux; Android 13; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36',
    5,
  ],
  [
    'Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
    3,
  ],
];

/** Crawlers and headless browsers that run page JavaScript and so do send events. */
export const BOT_USER_AGENTS: readonly string[] = [
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/126.0.0.0 Safari/537.36',
  'Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)',
  'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)',
];

/** How a session arrives: the referrer it carries and the UTM tags on its landing URL. */
export interface Source {
  referrer?: string;
  utm?: Record<string, string>;
  /** A click id appended to the landing URL (gclid, fbclid). */
  clickId?: readonly [string, string];
}

export const SOURCES: ReadonlyArray<readonly [Source, number]> = [
  [{}, 30], // direct / typed / bookmarks
  [{ referrer: 'https://www.google.com/' }, 25],
  [{ referrer: 'https://www.bing.com/' }, 3],
  [{ referrer: 'https://duckduckgo.com/' }, 2],
  [{ referrer: 'https://t.co/', utm: { utm_source: 'twitter', utm_medium: 'social', utm_campaign: 'summer_sale' } }, 4],
  [{ referrer: 'https://l.facebook.com/', utm: { utm_source: 'facebook', utm_medium: 'social' } }, 6],
  [{ referrer: 'https://www.reddit.com/r/webdev/' }, 2],
  [{ utm: { utm_source: 'newsletter', utm_medium: 'email', utm_campaign: 'weekly_42', utm_content: 'hero' } }, 8],
  [
    {
      referrer: 'https://www.google.com/',
      utm: { utm_source: 'google', utm_medium: 'cpc', utm_campaign: 'brand', utm_term: 'running shoes' },
      clickId: ['gclid', 'Cj0KCQjw'],
    },
    10,
  ],
  [{ referrer: 'https://news.ycombinator.com/' }, 2],
  [{ referrer: 'https://partner-blog.example/review' }, 3],
];

/** Page paths of a shop-like site; order = popularity rank (index 0 is the most viewed). */
export function sitePaths(count: number): string[] {
  const fixed = ['/', '/products', '/cart', '/search', '/about', '/blog', '/checkout', '/login', '/contact', '/faq'];
  const paths = fixed.slice(0, count);
  for (let i = paths.length; i < count; i++) {
    paths.push(i % 3 === 0 ? `/blog/post-${i}` : `/products/item-${i}`);
  }
  return paths;
}

/** Elements whose impressions and clicks are tracked on every page (cards, banners, CTAs). */
export const ELEMENTS: readonly string[] = [
  'hero-banner',
  'cta-buy',
  'nav-home',
  'nav-cart',
  'search-box',
  ...Array.from({ length: 15 }, (_, i) => `card-${i + 1}`),
  'footer-newsletter',
  'recommendation-1',
  'recommendation-2',
  'recommendation-3',
];

export const CURRENCIES: readonly string[] = ['EUR', 'USD', 'GBP'];
