import { v5 as uuidv5 } from 'uuid';
import { describe, expect, it } from 'vitest';
import { eventIdFromMessageId, MESSAGE_ID_NAMESPACE } from './event-id.js';

describe('eventIdFromMessageId', () => {
  it('is the RFC 4122 UUIDv5 of "<site>:<messageId>" in the fixed namespace', () => {
    // The library against the RFC's own example (DNS namespace), so the test pins the algorithm too.
    expect(uuidv5('www.example.com', uuidv5.DNS)).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
    expect(eventIdFromMessageId('shop', 'ajs-next-1-abc')).toBe(uuidv5('shop:ajs-next-1-abc', MESSAGE_ID_NAMESPACE));
  });

  it.each([
    ['shop', 'node-next-1796164598678-fa2c262e', 'shop', 'node-next-1796164598678-fa2c262e', true],
    ['shop', 'm-1', 'other-shop', 'm-1', false],
    ['shop', 'm-1', 'shop', 'm-2', false],
  ])('(%s, %s) vs (%s, %s): same id %s', (siteA, idA, siteB, idB, same) => {
    expect(eventIdFromMessageId(siteA, idA) === eventIdFromMessageId(siteB, idB)).toBe(same);
  });

  it('gives a version 5 UUID in lower case', () => {
    expect(eventIdFromMessageId('s', 'X')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });
});
