import { describe, expect, it } from 'vitest';
import { withCampaign } from './campaign.js';

describe('withCampaign', () => {
  it.each([
    ['https://shop.example/a', { utm_source: 'google' }, 'https://shop.example/a?utm_source=google'],
    [
      'https://shop.example/a?x=1#top',
      { utm_campaign: 'spring sale' },
      'https://shop.example/a?x=1&utm_campaign=spring+sale#top',
    ],
    [
      'https://shop.example/a?utm_source=bing',
      { utm_source: 'google', utm_medium: 'cpc' },
      'https://shop.example/a?utm_source=bing&utm_medium=cpc',
    ],
    ['/catalog', { utm_source: 'news', utm_medium: 'email' }, '/catalog?utm_source=news&utm_medium=email'],
    ['https://shop.example/a', {}, 'https://shop.example/a'],
    ['https://shop.example/a', { utm_source: '' }, 'https://shop.example/a'],
    ['not a url', { utm_source: 'x' }, 'not a url'],
  ])('%s + %j → %s', (url, campaign, expected) => {
    expect(withCampaign(url, campaign)).toBe(expected);
  });
});
