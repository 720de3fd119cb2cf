/**
 * Request limits of the ingestion API, with their documented defaults.
 *
 * Every number the API enforces lives here so that config can override it and tests can
 * shrink it (the fuzz test runs with small limits to reach the edges cheaply).
 */
/** A token bucket: `burst` requests at once, refilled at `perSecond` requests per second. */
export interface TokenBucketLimit {
  burst: number;
  perSecond: number;
}

/** Every limit the API enforces. See {@link DEFAULT_API_LIMITS} for the values. */
export interface ApiLimits {
  /** Max body bytes after decompression (and, for gzip, before it too). */
  maxBodyBytes: number;
  /** Max events in one batch; more is a 413 for the whole request. */
  maxEventsPerBatch: number;
  /** Max length of ids: `session_id`, `user_id`, `anonymous_id`, `payload.element_id`. */
  maxIdLength: number;
  /** Max length of `url` and `referrer`. */
  maxUrlLength: number;
  /** Max length of other free text: `payload.event_title`, `user_agent`. */
  maxTextLength: number;
  /**
   * Max UTF-8 bytes of `payload` serialized as JSON. Unknown top-level fields (`extra`)
   * are held to the same budget separately.
   */
  maxPayloadBytes: number;
  /** Max keys in `payload` (known and custom together); same for `extra`. */
  maxPayloadKeys: number;
  /**
   * Max nesting of objects/arrays inside `payload` and `extra`. Not in the contract, but
   * needed: `JSON.parse` accepts 1 MiB of `[[[[`, `JSON.stringify` then overflows the stack.
   */
  maxPayloadDepth: number;
  /**
   * How far in the future `created_at` may be (after clock-skew correction, see
   * `validateBatch`). Later events are rejected, not clamped.
   */
  maxFutureMs: number;
  /** How old `created_at` may be: the backfill window. Older events are rejected. */
  backfillWindowMs: number;
  /** How long `sink.send` may take before the API gives up and answers 503. */
  produceTimeoutMs: number;
  /** How long a write-key lookup may take before the API answers 503. */
  resolveTimeoutMs: number;
  /** `Retry-After` seconds on a 503 (sink or site lookup unavailable); answers spread it ±50 %. */
  retryAfterSeconds: number;
  /**
   * POSTs being handled at once, and (separately) sends to the sink not settled yet,
   * counting those a request gave up on (kafkajs cannot cancel a send). Past either, POST
   * /events is answered 503 `sink_busy` before its body is read: each holds a body and its
   * parsed events, so this is what bounds memory when clients return together.
   */
  maxPendingSends: number;
  /**
   * Body bytes of the POSTs being handled (by Content-Length), and bytes of events held by
   * unsettled sends; past either, 503 `sink_busy` (a lone request is always let through).
   */
  maxPendingBytes: number;
  /**
   * While the API's event loop runs later than this, POST /events is refused with 503
   * `overloaded` before its body is read (loop-delay.ts): the answers are late anyway.
   */
  maxEventLoopDelayMs: number;
  rateLimit: {
    /** Per write key (i.e. per site), counted in requests. */
    perKey: TokenBucketLimit;
    /** Per client IP, counted in requests, checked before the key is even looked up. */
    perIp: TokenBucketLimit;
    /**
     * Max buckets kept per limiter. The least recently used bucket is dropped beyond this,
     * so a flood of distinct IPs costs bounded memory (a dropped bucket restarts full).
     */
    maxBuckets: number;
  };
}

const MiB = 1024 * 1024;
const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/**
 * The defaults. Body, batch, id, url and payload limits are the numbers the POST /events
 * contract promises clients (api/README.md); rate limits are sized for beacon traffic: a
 * browser sends a batch every few seconds, so 50 req/s per IP only stops floods, while a
 * busy site (many visitors, one key) gets 500 req/s.
 */
export const DEFAULT_API_LIMITS: Readonly<ApiLimits> = Object.freeze({
  maxBodyBytes: 1 * MiB,
  maxEventsPerBatch: 500,
  maxIdLength: 128,
  maxUrlLength: 2048,
  maxTextLength: 1024,
  maxPayloadBytes: 8 * 1024,
  maxPayloadKeys: 64,
  maxPayloadDepth: 16,
  maxFutureMs: 1 * HOUR_MS,
  backfillWindowMs: 7 * DAY_MS,
  produceTimeoutMs: 2000,
  resolveTimeoutMs: 2000,
  retryAfterSeconds: 5,
  maxPendingSends: 256,
  maxPendingBytes: 8 * MiB,
  maxEventLoopDelayMs: 1000,
  rateLimit: Object.freeze({
    perKey: Object.freeze({ burst: 2000, perSecond: 500 }),
    perIp: Object.freeze({ burst: 200, perSecond: 50 }),
    maxBuckets: 100_000,
  }),
});

/** Partial {@link ApiLimits}, one level deep for the nested rate-limit settings. */
export type ApiLimitsOverrides = Partial<Omit<ApiLimits, 'rateLimit'>> & {
  rateLimit?: {
    perKey?: Partial<ApiLimits['rateLimit']['perKey']>;
    perIp?: Partial<ApiLimits['rateLimit']['perIp']>;
    maxBuckets?: number;
  };
};

/**
 * Defaults with `overrides` applied (nested rate-limit settings merged field by field).
 * Throws when a resulting limit is not a positive finite number, naming the key, so a
 * typo in config fails at startup rather than as a 0-byte body limit.
 */
export function resolveApiLimits(overrides: ApiLimitsOverrides = {}): ApiLimits {
  const d = DEFAULT_API_LIMITS;
  const o = overrides.rateLimit ?? {};
  const limits: ApiLimits = {
    ...d,
    ...overrides,
    rateLimit: {
      perKey: { ...d.rateLimit.perKey, ...o.perKey },
      perIp: { ...d.rateLimit.perIp, ...o.perIp },
      maxBuckets: o.maxBuckets ?? d.rateLimit.maxBuckets,
    },
  };
  const numbers: Array<[string, unknown]> = [
    ...Object.entries(limits).filter(([k]) => k !== 'rateLimit'),
    ['rateLimit.perKey.burst', limits.rateLimit.perKey.burst],
    ['rateLimit.perKey.perSecond', limits.rateLimit.perKey.perSecond],
    ['rateLimit.perIp.burst', limits.rateLimit.perIp.burst],
    ['rateLimit.perIp.perSecond', limits.rateLimit.perIp.perSecond],
    ['rateLimit.maxBuckets', limits.rateLimit.maxBuckets],
  ];
  for (const [key, value] of numbers) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new TypeError(`api limit ${key} must be a positive number, got ${String(value)}`);
    }
  }
  return limits;
}
