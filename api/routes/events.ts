/**
 * POST /events: validate the batch, write every valid event to the sink in ONE send, and
 * answer 202 only once the sink has acknowledged (a 202 means the events are durable).
 *
 * Runs after the /events middleware chain (client IP, rate limits, write key, CORS, body),
 * so the site and the parsed body are on the context.
 */
import type { Handler } from 'hono';
import type { WarningSummary } from '../../lib/log-summary.js';
import { withDeadline } from '../deadline.js';
import type { EventSink } from '../deps.js';
import type { ApiEnv } from '../env.js';
import { ApiError } from '../errors.js';
import { SinkBusyError } from '../sink-guard.js';
import { validateBatch } from '../event-schema.js';
import type { ApiLimits } from '../limits.js';
import type { ApiMetrics } from '../metrics.js';
import { toRawEventMessage, type RequestFacts } from '../raw-event-message.js';

/** What {@link postEvents} needs. */
export interface PostEventsOptions {
  sink: EventSink;
  limits: ApiLimits;
  metrics: ApiMetrics;
  /** Sink failures come in storms (one per request during an outage): collapsed. */
  warnings: WarningSummary;
  /** `Retry-After` of a 503 (spread, so refused clients do not return together). */
  retryAfterSeconds: () => number;
  now: () => number;
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
  limits,
  metrics,
  warnings,
  retryAfterSeconds,
  now,
}: PostEventsOptions): Handler<ApiEnv> {
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
    const facts: RequestFacts = {
      site_id: site.siteId,
      received_at: new Date(receivedAt).toISOString(),
      sent_at: verdict.sentAt ?? null,
      ip: c.get('clientIp'),
      // Header size is bounded only by the server; the stored copy is bounded like any text field.
      request_ua: ua === undefined ? null : ua.slice(0, limits.maxTextLength),
      request_id: requestId,
      timezone: site.timezone ?? 'UTC',
    };
    const messages = verdict.valid.map(({ event }) => toRawEventMessage(event, facts));

    const stopTimer = metrics.produceDuration.startTimer();
    const sent = await withDeadline(
      () => sink.send(messages),
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
      metrics.eventsRejected.inc({ reason: 'sink_unavailable' }, messages.length);
      warnings.warn(
        `sink_unavailable:${sent.kind}`,
        {
          request_id: requestId,
          site_id: site.siteId,
          events: messages.length,
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
    metrics.eventsAccepted.inc(messages.length);
    return c.json(answer, 202);
  };
}
