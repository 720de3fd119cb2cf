import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createFastEventCheck } from './event-fast-check.js';
import { createEventSchema, validateBatch } from './event-schema.js';
import { resolveApiLimits } from './limits.js';

// Small limits, so that generated values often sit right at the length boundaries.
const limits = resolveApiLimits({ maxIdLength: 8, maxUrlLength: 30, maxTextLength: 10 });
const schema = createEventSchema(limits);
const fast = createFastEventCheck(limits);

const around = (max: number) => fc.string({ minLength: 0, maxLength: max + 2 });
const oddValues = fc.oneof(
  fc.constant(null),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant([]),
  fc.constant({}),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -0, 2 ** 53, 1.5),
);
const typeArb = fc.oneof(
  fc.constantFrom('pageview', 'impression', 'click', 'checkout', 'a', 'A1_.:-', '1abc', 'has space', ''),
  fc.stringMatching(/^[A-Za-z][A-Za-z0-9_.:-]{0,66}$/),
  fc.string(),
  oddValues,
);
const uuidArb = fc.oneof(
  fc.uuid(),
  fc.uuid().map((u) => u.toUpperCase()),
  fc.uuid({ version: [1, 2, 3, 4, 5, 6, 7, 8] }),
  fc.constantFrom(
    '00000000-0000-0000-0000-000000000000',
    'ffffffff-ffff-ffff-ffff-ffffffffffff',
    'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF',
    '00000000-0000-0000-0000-000000000001',
    'c5f1b1f4-0c36-0f0b-9c39-0d1b0c4b8f00', // version 0
    'c5f1b1f4-0c36-4f0b-7c39-0d1b0c4b8f00', // variant 7
    'c5f1b1f40c364f0b9c390d1b0c4b8f00',
  ),
  fc.string(),
  oddValues,
);
const idArb = fc.oneof(around(8), fc.constant(''), oddValues);
const userIdArb = fc.oneof(around(8), fc.integer(), fc.maxSafeInteger(), oddValues);
const urlArb = fc.oneof(
  fc.constantFrom('', '/', '/catalog?x=1', 'https://shop.example/a', 'mailto:x@y', 'not a url', 'http://exa mple.com'),
  fc.webUrl().map((u) => u.slice(0, 34)),
  around(30).map((s) => `/${s}`),
  around(30),
  oddValues,
);
const datetimeArb = fc.oneof(
  fc.constantFrom(
    '2025-06-01T11:59:00Z',
    '2025-06-01T11:59:00.123Z',
    '2025-06-01T11:59:00+05:30',
    '2025-06-01T11:59:00-24:00',
    '2025-06-01T11:59Z',
    '2025-06-01T11:59:00',
    '2025-06-01',
    '2025-02-30T00:00:00Z',
    '2024-02-29T00:00:00Z',
    '2023-02-29T00:00:00Z',
    '2025-06-01t11:59:00z',
  ),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc.string(),
  oddValues,
);
const coordinateArb = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(-2_147_483_648, 2_147_483_647, -2_147_483_649, 2_147_483_648, 0.5, -0),
  fc.string(),
  oddValues,
);
const payloadArb = fc.oneof(
  fc.record(
    {
      event_title: fc.oneof(around(10), oddValues),
      element_id: idArb,
      x: coordinateArb,
      y: coordinateArb,
      custom: fc.jsonValue({ maxDepth: 2 }),
    },
    { requiredKeys: [] },
  ),
  oddValues,
  fc.string(),
);
const eventArb = fc.record(
  {
    type: typeArb,
    event_id: uuidArb,
    session_id: idArb,
    user_id: userIdArb,
    anonymous_id: idArb,
    url: urlArb,
    referrer: urlArb,
    created_at: datetimeArb,
    user_agent: fc.oneof(around(10), oddValues),
    payload: payloadArb,
    plan: fc.jsonValue({ maxDepth: 1 }),
  },
  { requiredKeys: [] },
) as fc.Arbitrary<Record<string, unknown>>;

/** Events zod accepts, to check that the fast path is taken for valid traffic (not only correct). */
const validEventArb = fc.record(
  {
    type: fc.constantFrom('pageview', 'impression', 'click', 'checkout'),
    event_id: fc.uuid({ version: 4 }),
    session_id: fc.string({ minLength: 1, maxLength: 8 }),
    url: fc.constantFrom('/a', 'https://s.example/p?utm=x'),
    created_at: fc.constant('2025-06-01T11:59:00.000Z'),
    payload: fc.record({ x: fc.integer({ min: 0, max: 4000 }), element_id: fc.string({ minLength: 1, maxLength: 8 }) }),
  },
  { requiredKeys: ['type'] },
) as fc.Arbitrary<Record<string, unknown>>;

const KNOWN = [
  'type',
  'event_id',
  'session_id',
  'user_id',
  'anonymous_id',
  'url',
  'referrer',
  'created_at',
  'user_agent',
];

describe('the fast event check', () => {
  it('accepts exactly the events the zod schema accepts', () => {
    fc.assert(
      fc.property(eventArb, (raw) => {
        const zod = schema.safeParse(raw);
        expect(fast(raw)).toBe(zod.success);
        // Where it accepts, the API reads the fields from the event itself: zod's output must be the same values.
        if (zod.success) for (const k of KNOWN) expect((zod.data as Record<string, unknown>)[k]).toBe(raw[k]);
      }),
      { numRuns: 20_000 },
    );
  });

  it('is taken for valid traffic', () => {
    fc.assert(
      fc.property(validEventArb, (raw) => {
        expect(fast(raw)).toBe(true);
      }),
    );
  });

  it('leaves the messages to zod: a batch gets the same verdict and errors as through zod alone', () => {
    const now = Date.parse('2025-06-01T12:00:00Z');
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 8 }), (events) => {
        const verdict = validateBatch(events, limits, now);
        for (const r of verdict.rejected) {
          const raw = events[r.index] as Record<string, unknown>;
          const zod = schema.safeParse(raw);
          if (!zod.success) {
            expect(r.errors).toEqual(
              zod.error.issues.slice(0, 10).map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
            );
          }
        }
        for (const v of verdict.valid) expect(schema.safeParse(events[v.index]).success).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });
});
