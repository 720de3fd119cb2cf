/**
 * PostHog's capture API on this collector, so posthog-js and posthog-node (and PostHog's
 * other SDKs) only need a new `api_host`:
 *
 *   POST /batch/ /capture/ /e/ (/i/v0/e/)   events, gzip or plain (`?compression=gzip-js`
 *                                           or the gzip magic bytes: both are inflated)
 *   GET|POST /decide/ /flags/               start-up answers: no flags
 *   GET /array/<token>/config(.js)          remote config: capture on, everything else off
 *
 * An accepted request is answered `200 {"status": 1}` as PostHog does.
 */
import { type Context, Hono } from 'hono';
import type { ApiEnv } from '../../env.js';
import { ApiError } from '../../errors.js';
import { createCompatIngest } from '../compat/ingest.js';
import { type CompatRouteDeps, entryChain, preflight, siteChain, siteIdOf } from '../compat/middleware.js';
import { mapPostHogBody } from './map-batch.js';
import { decideAnswer, flagsAnswer, remoteConfig, remoteConfigScript } from './remote-config.js';
import { POSTHOG_KEY, posthogKey } from './write-key.js';

/** Both spellings of each path: PostHog's SDKs add the trailing slash, hand-written calls often do not. */
const both = (path: string) => [path, `${path}/`];
/** The capture paths (`/i/v0/e/` is where PostHog's cloud points recent posthog-js). */
export const POSTHOG_CAPTURE_PATHS = ['/batch', '/capture', '/e', '/i/v0/e'].flatMap(both);
const CONFIG_PATHS = ['/decide', '/flags'].flatMap(both);
const TOKEN = /^[\x21-\x7e]{1,256}$/;

/** The PostHog routes, to mount with `app.route('/', posthogRoutes(deps))`. */
export function posthogRoutes(deps: CompatRouteDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const ingest = createCompatIngest({ ...deps.ingest, source: 'posthog', trustProxy: deps.trustProxy });
  const accepted = (c: Context<ApiEnv>) => c.json({ status: 1 }, 200);
  // The config answers are public (see remote-config.ts): readable from any page.
  const publicAnswer = (c: Context<ApiEnv>) => {
    const origin = c.req.header('Origin');
    if (origin !== undefined) {
      c.header('Access-Control-Allow-Origin', origin);
      c.header('Vary', 'Origin', { append: true });
    }
    c.header('Cache-Control', 'public, max-age=300');
  };

  for (const path of [...POSTHOG_CAPTURE_PATHS, ...CONFIG_PATHS, '/array/*']) app.use(path, ...entryChain(deps));
  for (const path of [...POSTHOG_CAPTURE_PATHS, ...CONFIG_PATHS, '/array/*']) app.options(path, preflight());

  const capture = siteChain(deps, POSTHOG_KEY, true);
  for (const path of POSTHOG_CAPTURE_PATHS) {
    app.post(path, capture, (c) => {
      const batch = mapPostHogBody(c.get('body'), {
        siteId: siteIdOf(c),
        key: posthogKey(c) ?? '',
        limits: deps.limits,
        sentAtMs: c.req.query('_'),
      });
      return ingest(c, batch, accepted);
    });
  }

  for (const path of CONFIG_PATHS) {
    const answer = path.startsWith('/decide') ? decideAnswer : flagsAnswer;
    app.on(['GET', 'POST'], path, (c) => {
      publicAnswer(c);
      return c.json(answer());
    });
  }
  const token = (c: Context<ApiEnv>) => {
    const value = c.req.param('token') ?? '';
    if (!TOKEN.test(value))
      throw new ApiError(400, 'invalid_token', 'the project token in the path is not a plausible key');
    publicAnswer(c);
    return value;
  };
  app.get('/array/:token/config', (c) => c.json(remoteConfig(token(c))));
  app.get('/array/:token/config.js', (c) => {
    const script = remoteConfigScript(token(c));
    c.header('Content-Type', 'application/javascript; charset=utf-8');
    return c.body(script);
  });
  return app;
}
