/**
 * Segment's HTTP tracking API on this collector, so a Segment client (analytics-node,
 * analytics-next, and the many SDKs that speak the same envelope: RudderStack, Jitsu,
 * Customer.io…) only needs a new host:
 *
 *   POST /v1/batch (and /v1/b)            a batch of messages
 *   POST /v1/track /page /screen /identify /group /alias
 *        (and /v1/t /p /s /i /g /a, the paths analytics-next posts to)
 *   GET  /v1/projects/<writeKey>/settings the browser SDK's start-up settings
 *
 * An accepted request is answered `200 {"success": true}` as Segment does.
 */
import { type Context, Hono } from 'hono';
import type { ApiEnv } from '../../env.js';
import { createCompatIngest } from '../compat/ingest.js';
import {
  type CompatRouteDeps,
  entryChain,
  type KeySource,
  preflight,
  siteChain,
  siteIdOf,
} from '../compat/middleware.js';
import { mapSegmentBody } from './map-batch.js';
import type { SegmentCall } from './map-message.js';
import { publicHost, segmentSettings } from './settings.js';
import { SEGMENT_KEY } from './write-key.js';

/** Each single call under its long and its one-letter path (analytics-next uses the letter). */
const SINGLE_CALLS: ReadonlyArray<[SegmentCall, string]> = [
  ['track', 't'],
  ['page', 'p'],
  ['screen', 's'],
  ['identify', 'i'],
  ['group', 'g'],
  ['alias', 'a'],
];

/** Every POST path of the Segment API, for the access log's route label. */
export const SEGMENT_POST_PATHS = ['/v1/batch', '/v1/b', ...SINGLE_CALLS.flatMap(([c, l]) => [`/v1/${c}`, `/v1/${l}`])];

/** The Segment routes, to mount with `app.route('/', segmentRoutes(deps))`. */
export function segmentRoutes(deps: CompatRouteDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const ingest = createCompatIngest({ ...deps.ingest, source: 'segment', trustProxy: deps.trustProxy });
  const accepted = (c: Context<ApiEnv>) => c.json({ success: true }, 200);

  app.use('/v1/*', ...entryChain(deps));
  app.options('/v1/*', preflight());
  const post = siteChain(deps, SEGMENT_KEY, true);

  for (const path of ['/v1/batch', '/v1/b']) {
    app.post(path, post, (c) => {
      const batch = mapSegmentBody(c.get('body'), { siteId: siteIdOf(c), limits: deps.limits });
      return ingest(c, batch, accepted);
    });
  }
  for (const [call, letter] of SINGLE_CALLS) {
    for (const path of [`/v1/${call}`, `/v1/${letter}`]) {
      app.post(path, post, (c) => {
        const batch = mapSegmentBody(c.get('body'), { siteId: siteIdOf(c), limits: deps.limits, call });
        return ingest(c, batch, accepted);
      });
    }
  }

  const settingsKey: KeySource = {
    keyOf: (c) => c.req.param('writeKey'),
    missingKeyMessage: 'the write key goes in the path: /v1/projects/<writeKey>/settings',
  };
  app.get('/v1/projects/:writeKey/settings', siteChain(deps, settingsKey, false), (c) => {
    c.header('Cache-Control', 'public, max-age=300');
    return c.json(segmentSettings(c.req.param('writeKey'), publicHost(c, deps.trustProxy)));
  });
  return app;
}
