/**
 * Campaign (UTM) values a client sends beside the page URL (Segment's `context.campaign`),
 * moved into that URL's query: the consumer reads `utm_*` from the page URL, for every
 * source alike, so this is the one place they need to be.
 */

/** The five campaign parameters, by their `utm_*` query names. */
export type Campaign = Partial<
  Record<'utm_source' | 'utm_medium' | 'utm_campaign' | 'utm_term' | 'utm_content', string>
>;

// Only used to parse a bare path; never part of the result.
const BASE = 'http://relative.invalid';

/**
 * `url` with each campaign value added as its `utm_*` parameter, unless the URL already has
 * that parameter (the URL is what the visitor actually opened). A URL that does not parse
 * is returned unchanged: validation will say what is wrong with it.
 */
export function withCampaign(url: string, campaign: Campaign): string {
  const entries = Object.entries(campaign).filter(([, v]) => typeof v === 'string' && v !== '');
  if (entries.length === 0) return url;
  const isPath = url.startsWith('/') && !url.startsWith('//');
  let parsed: URL;
  try {
    parsed = new URL(url, isPath ? BASE : undefined);
  } catch {
    return url;
  }
  let changed = false;
  for (const [name, value] of entries) {
    if (!parsed.searchParams.has(name)) {
      parsed.searchParams.append(name, value as string);
      changed = true;
    }
  }
  if (!changed) return url;
  return isPath ? parsed.pathname + parsed.search + parsed.hash : parsed.href;
}
