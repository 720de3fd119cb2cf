/**
 * Segment's and PostHog's browser SDKs as a site would serve them, from the npm packages in
 * node_modules (nothing from a CDN; the test machine has no network):
 * - @segment/analytics-next bundled the way an app's bundler does it (its ESM build, one
 *   IIFE, `window.AnalyticsBrowser`), so the lazily loaded chunks of its UMD build, which it
 *   would fetch from Segment's CDN, are in the bundle;
 * - posthog-js's own prebuilt `array.full.no-external.js` (`window.posthog`), the build that
 *   loads no further scripts.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { build } from 'esbuild';

/** analytics-next as one script defining `window.AnalyticsBrowser`. */
export async function analyticsNextScript(): Promise<string> {
  const result = await build({
    stdin: {
      contents:
        "import { AnalyticsBrowser } from '@segment/analytics-next'; window.AnalyticsBrowser = AnalyticsBrowser;",
      resolveDir: process.cwd(),
      loader: 'js',
    },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    write: false,
    logLevel: 'error',
    // What every app bundler defines for a production build.
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  return result.outputFiles[0]!.text;
}

/** posthog-js's self-contained browser build, defining `window.posthog`. */
export async function posthogScript(): Promise<string> {
  const require = createRequire(import.meta.url);
  const entry = require.resolve('posthog-js/dist/array.full.no-external.js');
  return readFile(entry, 'utf8');
}
