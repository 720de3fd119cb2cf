/**
 * POST /events: validate the batch, write every valid event to the sink in ONE send, and
 * answer 202 only once the sink has acknowledged (a 202 means the events are durable).
 *
 * Runs after the /events middleware chain (client IP, rate limits, write key, CORS, body),
 * so the site and the parsed body are on the context.
 */
import type { Context, Handler } from 'hono';
import type { WarningSummary } from '../../lib/log-summary.js';
import { withDeadline } from '../deadline.js';
import type { EventSink } from '../deps.js';
import type { ApiEnv } from '../env.js';
import { ApiError } from '../errors.js';
import { validateBatch } from '../event-schema.js';
import type { ApiLimits } from '../limits.js';
import type { ApiMetrics } from '../metrics.js';
import { SinkBusyError } from '../sink-guard.js';
import { saltDayOf } from '../../lib/salt-day.js';
import { createLocalDayCache } from '../../lib/time-zones.js';
import { visitorId } from '../../lib/visitor-id.js';
import { encodeRequestParts, MAX_RECORD_CHARS, type RecordEvent, type RequestFactsV2 } from '../../lib/wire/index.js';
import type { SaltSource } from '../salt-cache.js';

/** What {@link postEvents} needs. */
export interface PostEventsOptions {
  sink: EventSink;
  salts: SaltSource;
  limits: ApiLimits;
  metrics: ApiMetrics;
  /** Sink failures come in storms (one per request during an outage): collapsed. */
  warnings: WarningSummary;
  /** `Retry-After` of a 503 (spread, and longer the longer the outage). */
  retryAfterSeconds: () => number;
  now: () => number;
  /**
   * How an accepted batch is answered (the events are durable by then). POST /events answers
   * 202 with the answer; the Segment and PostHog endpoints answer as those APIs do.
   */
  respond?: (c: Context<ApiEnv>, answer: EventsAnswer) => Response | Promise<Response>;
  /**
   * The client IP of the event at `index` of the batch when it is not the request's: a
   * server-side SDK forwarding its visitors' events names each visitor's IP (only honoured
   * behind a trusted proxy). It feeds the visitor hash only, like the request's IP.
   */
  clientIpOf?: (index: number) => string | undefined;
}

/** The 202 body; also the shape of the 400 `no_valid_events` details. */
export interface EventsAnswer {
  accepted: number;
  rejected: Array<{ index: number; errors: Array<{ path: string; message: string }> }>;
}

/**
 * The POST /events handler. Answers 202 `{accepted, rejected}`; 400 `no_valid_events`
 * (with the per-event `rejected` list) when nothing is valid; 503 `sink_unavailable` +
 * `Retry-After` when the sink rejects or does not answer within `produceTimeoutMs`.
 */
export function postEvents({
  sink,
  salts,
  limits,
  metrics,
  warnings,
  retryAfterSeconds,
  now,
  respond = (c, answer) => c.json(answer, 202),
  clientIpOf,
}: PostEventsOptions): Handler<ApiEnv> {
  // The site's local day, remembered per zone: the salt day costs two comparisons a request.
  const localDay = createLocalDayCache();
  return async function postEvents(c) {
    const receivedAt = now();
    const site = c.get('site');
    if (site === undefined) throw new Error('postEvents mounted without writeKey()'); // a wiring bug: 500
    const verdict = validateBatch(c.get('body'), limits, receivedAt);

    metrics.batchSize.observe(verdict.valid.length + verdict.rejected.length);
    for (const r of verdict.rejected) metrics.eventsRejected.inc({ reason: r.reason });
    const answer: EventsAnswer = {
      accepted: verdict.valid.length,
      rejected: verdict.rejected.map(({ index, errors }) => ({ index, errors })),
    };
    if (verdict.valid.length === 0) {
      const message =
        verdict.rejected.length === 0
          ? 'the batch is empty'
          : `none of the ${verdict.rejected.length} events is valid; see rejected`;
      throw new ApiError(400, 'no_valid_events', message, { details: { ...answer } });
    }

    const requestId = c.get('requestId');
    const ua = c.req.header('User-Agent');
    // Header size is bounded only by the server; the stored copy is bounded like any text field.
    const requestUa = ua === undefined ? null : ua.slice(0, limits.maxTextLength);
    const salt = await saltOf(salts, saltDayOf(receivedAt, site.timezone, localDay), {
      limits,
      warnings,
      retryAfterSeconds,
      requestId,
    });
    const ip = c.get('clientIp');
    const facts: RequestFactsV2 = {
      site_id: site.siteId,
      received_at: new Date(receivedAt).toISOString(),
      sent_at: verdict.sentAt ?? null,
      request_ua: requestUa,
      request_id: requestId,
      // The IP goes into this hash and nowhere else: no stored byte holds it.
      visitor_hash: visitorId({ salt, siteId: site.siteId, ip, userAgent: requestUa ?? '' }),
      timezone: site.timezone ?? 'UTC',
    };
    const events = withVisitorHashes(
      verdict.valid,
      facts,
      (userAgent, clientIp) => visitorId({ salt, siteId: site.siteId, ip: clientIp ?? ip, userAgent }),
      clientIpOf,
    );
    const parts = encodeRequestParts(facts, events, MAX_RECORD_CHARS);

    const stopTimer = metrics.produceDuration.startTimer();
    const sent = await withDeadline(
      () => sink.send(parts),
      limits.produceTimeoutMs,
      (err) => {
        // The send lost the race and failed later: the client already has its 503.
        warnings.warn(
          'sink_send_failed_after_timeout',
          { err, request_id: requestId },
          'sink_send_failed_after_timeout',
        );
      },
    );
    stopTimer({ outcome: sent.kind });
    if (sent.kind !== 'ok') {
      metrics.eventsRejected.inc({ reason: 'sink_unavailable' }, events.length);
      warnings.warn(
        `sink_unavailable:${sent.kind}`,
        {
          request_id: requestId,
          site_id: site.siteId,
          events: events.length,
          outcome: sent.kind,
          err: sent.kind === 'error' ? sent.error : undefined,
        },
        'sink_unavailable',
      );
      const busy = sent.kind === 'error' && sent.error instanceof SinkBusyError;
      const message =
        sent.kind === 'timeout'
          ? `the event store did not acknowledge within ${limits.produceTimeoutMs} ms; the events may or may not be stored, resending them with the same event_id is safe`
          : busy
            ? `${(sent.error as Error).message}; nothing was accepted, retry later`
            : 'the event store is unavailable; nothing was accepted, retry later';
      throw new ApiError(503, busy ? 'sink_busy' : 'sink_unavailable', message, {
        headers: { 'Retry-After': String(retryAfterSeconds()) },
      });
    }
    metrics.eventsAccepted.inc(events.length);
    return respond(c, answer);
  };
}

/**
 * The events as records carry them. An event whose own `user_agent` differs from the
 * request's gets a visitor hash of its own (a server-side SDK forwarding many browsers'
 * events), and so does one whose client IP is not the request's (`clientIpOf`: the visitor
 * IP a Segment or PostHog message names, behind a trusted proxy); a known user needs none
 * (the consumer uses `u:<user_id>`). One hash per distinct (IP, user agent) of the request.
 */
function withVisitorHashes(
  valid: ReadonlyArray<{ index: number; event: RecordEvent }>,
  facts: RequestFactsV2,
  hash: (userAgent: string, clientIp?: string) => string,
  clientIpOf?: (index: number) => string | undefined,
): RecordEvent[] {
  const events: RecordEvent[] = new Array(valid.length);
  let cache: Map<string, string> | undefined;
  for (let i = 0; i < valid.length; i++) {
    const { index, event } = valid[i]!;
    events[i] = event;
    if (event.user_id !== undefined) continue;
    const ip = clientIpOf?.(index);
    const ua = event.user_agent;
    if (ip === undefined && (ua === undefined || ua === facts.request_ua)) continue;
    const userAgent = ua ?? facts.request_ua ?? '';
    const key = ip === undefined ? userAgent : `${ip}\n${userAgent}`;
    cache ??= new Map();
    let h = cache.get(key);
    if (h === undefined) {
      h = hash(userAgent, ip);
      cache.set(key, h);
    }
    event.visitor_hash = h;
  }
  return events;
}

/** The day's salt, from memory, or loaded within the lookup deadline; 503 when it cannot be had. */
async function saltOf(
  salts: SaltSource,
  day: string,
  o: {
    limits: ApiLimits;
    warnings: WarningSummary;
    retryAfterSeconds: () => number;
    requestId: string;
  },
): Promise<string> {
  const cached = salts.saltFor(day);
  if (typeof cached === 'string') return cached;
  const loaded = await withDeadline(() => cached, o.limits.resolveTimeoutMs);
  if (loaded.kind === 'ok') return loaded.value;
  o.warnings.warn(
    'visitor_salt_unavailable',
    { request_id: o.requestId, day, err: loaded.kind === 'error' ? loaded.error : undefined },
    'visitor_salt_unavailable',
  );
  throw new ApiError(
    503,
    'salt_unavailable',
    'the visitor salt store is unavailable; nothing was accepted, retry later',
    {
      headers: { 'Retry-After': String(o.retryAfterSeconds()) },
    },
  );
}
