import { describe, expect, it, vi } from 'vitest';
import { withDeadline } from './deadline.js';

describe('withDeadline', () => {
  it.each([
    ['resolves', () => Promise.resolve(7), { kind: 'ok', value: 7 }],
    ['returns a plain value', () => 7, { kind: 'ok', value: 7 }],
    ['rejects', () => Promise.reject(new Error('no')), { kind: 'error', error: new Error('no') }],
    [
      'throws synchronously',
      () => {
        throw new Error('sync');
      },
      { kind: 'error', error: new Error('sync') },
    ],
    ['hangs', () => new Promise(() => undefined), { kind: 'timeout' }],
  ])('reports a call that %s', async (_name, fn, expected) => {
    expect(await withDeadline(fn as () => Promise<unknown>, 20)).toEqual(expected);
  });

  it('hands a rejection after the deadline to onLateError, not to unhandledRejection', async () => {
    const late = vi.fn();
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    try {
      const result = await withDeadline(
        () => new Promise((_, reject) => setTimeout(() => reject(new Error('late')), 30)),
        5,
        late,
      );
      expect(result).toEqual({ kind: 'timeout' });
      await new Promise((r) => setTimeout(r, 60));
      expect(late).toHaveBeenCalledWith(new Error('late'));
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });
});
