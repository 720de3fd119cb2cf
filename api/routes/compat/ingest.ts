/**
 * The one path every Segment or PostHog event takes after mapping: the POST /events handler
 * itself (same validation, limits, dedup id, sink and 503 handling), with the answer and the
 * rejected indexes turned back into the client's terms.
 *
 * Segment and PostHog clients read no per-event errors from a 200, so an event refused
 * inside a good batch would vanish without a trace: each one is counted in
 * `clickstream_api_events_rejected_total{reason}` and the request logs one
 * `compat_events_rejected` line with the first few reasons.
 */
import { isIP } from 'node:net';
import type { Context } from 'hono';
import type { Logger } from 'pino';
import type { ApiEnv } from '../../env.js';
import { ApiError } from '../../errors.js';
import { type EventsAnswer, type PostEventsOptions, postEvents } from '../events.js';
import type { MappedBatch } from './mapped-batch.js';

/** What {@link createCompatIngest} needs: the POST /events options, and a name for logs. */
export interface CompatIngestOptions extends Omit<PostEventsOptions, 'respond' | 'clientIpOf'> {
  /** For the `compat_events_rejected` line. */
  logger: Logger;
  /** The wire format, in log lines: `segment`, `posthog`. */
  source: string;
  /**
   * Honour the visitor IP a message names. Only behind a trusted proxy: anyone else could
   * name any IP and split or merge visitors at will.
   */
  trustProxy: boolean;
}

/** Answers an accepted batch; `answer.rejected` holds indexes of the client's batch. */
export type CompatRespond = (c: Context<ApiEnv>, answer: EventsAnswer) => Response;

type Rejected = EventsAnswer['rejected'][number];

/** Rejections named in one log line; the metric counts all of them. */
const LOGGED_REJECTIONS = 5;
const noNext = async (): Promise<void> => undefined;

/**
 * `ingest(c, batch, respond)` sends the mapped batch down the POST /events path. Throws
 * the same `ApiError`s (400 `no_valid_events` with the client's indexes, 413, 503).
 */
export function createCompatIngest(options: CompatIngestOptions) {
  const { metrics, logger, source, trustProxy, ...postOptions } = options;

  const logRejected = (c: Context<ApiEnv>, accepted: number, rejected: Rejected[]) => {
    logger.warn(
      {
        request_id: c.get('requestId'),
        site_id: c.get('site')?.siteId,
        source,
        accepted,
        rejected: rejected.length,
        first: rejected.slice(0, LOGGED_REJECTIONS),
      },
      'compat_events_rejected',
    );
  };

  return async function ingest(c: Context<ApiEnv>, batch: MappedBatch, respond: CompatRespond): Promise<Response> {
    for (const r of batch.rejected) metrics.eventsRejected.inc({ reason: r.reason });
    const mappingRejected = batch.rejected.map(({ index, errors }) => ({ index, errors }));
    const total = batch.events.length + batch.rejected.length;
    // Validation numbers the mapped events; the client numbers its own messages.
    const inClientTerms = (rejected: Rejected[]): Rejected[] =>
      [
        ...mappingRejected,
        ...rejected.map((r) => ({ index: batch.origin[r.index] ?? r.index, errors: r.errors })),
      ].sort((a, b) => a.index - b.index);
    const noValidEvents = (rejected: Rejected[]) => {
      if (rejected.length > 0) logRejected(c, 0, rejected);
      const message = total === 0 ? 'the batch is empty' : `none of the ${total} events is valid; see rejected`;
      return new ApiError(400, 'no_valid_events', message, { details: { accepted: 0, rejected } });
    };

    if (batch.events.length === 0) throw noValidEvents(mappingRejected);
    c.set(
      'body',
      batch.sentAt === undefined ? { batch: batch.events } : { batch: batch.events, sent_at: batch.sentAt },
    );
    const clientIpOf = (index: number) => {
      const ip = batch.clientIps[index];
      return ip !== undefined && isIP(ip) !== 0 ? ip : undefined;
    };
    const handler = postEvents({
      ...postOptions,
      metrics,
      ...(trustProxy ? { clientIpOf } : {}),
      respond(ctx, answer) {
        const rejected = inClientTerms(answer.rejected);
        if (rejected.length > 0) logRejected(ctx, answer.accepted, rejected);
        return respond(ctx, { accepted: answer.accepted, rejected });
      },
    });
    try {
      return (await handler(c, noNext)) as Response;
    } catch (error) {
      if (error instanceof ApiError && error.code === 'no_valid_events') {
        throw noValidEvents(inClientTerms((error.details.rejected as Rejected[] | undefined) ?? []));
      }
      throw error;
    }
  };
}
