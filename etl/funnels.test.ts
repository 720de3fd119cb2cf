import { describe, expect, it } from 'vitest';
import { funnelEventFilter, funnelStatement, parseFunnels } from './funnels.js';

describe('parseFunnels', () => {
  it('accepts a funnel', () => {
    const funnels = parseFunnels([
      {
        name: 'buy',
        window_minutes: 30,
        steps: [
          { name: 'a', type: 'pageview', path: '/p' },
          { name: 'b', type: 'checkout' },
        ],
      },
    ]);
    expect(funnels).toHaveLength(1);
  });

  it.each([
    ['no steps', [{ name: 'x', window_minutes: 1, steps: [] }], /steps: expected at least one step/],
    [
      'a step with neither type nor path',
      [{ name: 'x', window_minutes: 1, steps: [{ name: 's' }] }],
      /type" and\/or "path/,
    ],
    [
      'unknown key',
      [{ name: 'x', window_minutes: 1, steps: [{ name: 's', type: 'a' }], extra: 1 }],
      /extra|Unrecognized/,
    ],
    ['zero window', [{ name: 'x', window_minutes: 0, steps: [{ name: 's', type: 'a' }] }], /window_minutes/],
    [
      'duplicate names',
      [
        { name: 'x', window_minutes: 1, steps: [{ name: 's', type: 'a' }] },
        { name: 'x', window_minutes: 1, steps: [{ name: 's', type: 'a' }] },
      ],
      /two funnels/,
    ],
  ])('rejects %s', (_name, value, message) => {
    expect(() => parseFunnels(value)).toThrow(message);
  });
});

describe('funnelStatement', () => {
  it('puts step values in params, never in the SQL', () => {
    const [funnel] = parseFunnels([
      {
        name: 'buy',
        window_minutes: 2,
        steps: [
          { name: 'a', path: "/it's" },
          { name: 'b', type: 'checkout' },
        ],
      },
    ]);
    const { query, params } = funnelStatement(funnel!);
    expect(query).not.toContain("/it's");
    expect(query).toContain('(path = {step0_path:String}), (type = {step1_type:String})');
    expect(params).toMatchObject({ step0_path: "/it's", step1_type: 'checkout', window_s: 120, steps: 2 });
  });

  it('reads only the events some step matches, with the same params', () => {
    const [funnel] = parseFunnels([
      {
        name: 'buy',
        window_minutes: 2,
        steps: [
          { name: 'a', type: 'pageview', path: '/p' },
          { name: 'b', type: 'checkout' },
        ],
      },
    ]);
    expect(funnelEventFilter(funnel!)).toBe(
      '(type = {step0_type:String} AND path = {step0_path:String}) OR (type = {step1_type:String})',
    );
    expect(Object.keys(funnelStatement(funnel!).params)).toEqual(
      expect.arrayContaining(['step0_type', 'step0_path', 'step1_type']),
    );
  });
});
