import { describe, expect, it } from 'vitest';
import { eventsUrl } from './client';

describe('eventsUrl', () => {
  it.each([
    ['https://c.example', 'https://c.example/events?key=csk_1'],
    ['https://c.example/', 'https://c.example/events?key=csk_1'],
    ['https://c.example/events', 'https://c.example/events?key=csk_1'],
    ['https://c.example/collect/events/', 'https://c.example/collect/events?key=csk_1'],
    ['https://c.example/collect', 'https://c.example/collect/events?key=csk_1'],
  ])('%s → %s', (endpoint, url) => {
    expect(eventsUrl(endpoint, 'csk_1')).toBe(url);
  });

  it('encodes the key', () => {
    expect(eventsUrl('https://c.example', 'a&b=c')).toBe('https://c.example/events?key=a%26b%3Dc');
  });
});
