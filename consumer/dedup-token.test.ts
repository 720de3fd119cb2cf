import { describe, expect, it } from 'vitest';
import { dedupToken } from './dedup-token.js';
import type { MessageOutcome } from './outcome.js';

/** A dead-letter outcome at a position: its kind does not matter to the token. */
const at = (partition: number, offset: string): MessageOutcome => ({
  kind: 'dlq',
  reason: { code: 'invalid_json', detail: 'x' },
  source: { partition, offset, key: null, value: null },
});

describe('dedupToken', () => {
  it('names the offset range of each partition', () => {
    expect(dedupToken([at(0, '5'), at(0, '6'), at(0, '9')], 'raw')).toBe('raw|0:5-9');
    expect(dedupToken([at(3, '42')], 'raw')).toBe('raw|3:42-42');
  });

  it('lists partitions in numeric order, whatever order the outcomes came in', () => {
    const outcomes = [at(10, '1'), at(2, '7'), at(2, '3'), at(0, '100')];
    expect(dedupToken(outcomes, 'raw')).toBe('raw|0:100-100,2:3-7,10:1-1');
    expect(dedupToken([...outcomes].reverse(), 'raw')).toBe(dedupToken(outcomes, 'raw'));
  });

  it('is exact for offsets past 2^53', () => {
    expect(dedupToken([at(1, '9007199254740993'), at(1, '9007199254740995')], 'raw')).toBe(
      'raw|1:9007199254740993-9007199254740995',
    );
  });

  it('differs when the flush holds other offsets', () => {
    expect(dedupToken([at(0, '5'), at(0, '9')], 'raw')).not.toBe(dedupToken([at(0, '5'), at(0, '10')], 'raw'));
    expect(dedupToken([at(0, '5')], 'raw')).not.toBe(dedupToken([at(1, '5')], 'raw'));
  });

  it('differs for the same offsets of another topic (offsets are only unique within one)', () => {
    expect(dedupToken([at(0, '0'), at(0, '3')], 'raw-a')).not.toBe(dedupToken([at(0, '0'), at(0, '3')], 'raw-b'));
  });
});
