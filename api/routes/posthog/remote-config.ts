/**
 * The answers posthog-js asks for at start-up (`/array/<token>/config`, `/flags`, and
 * `/decide` in older versions). This collector has no feature flags, surveys or session
 * recordings, so each answer says "none" and switches on only what it can store:
 * pageviews, custom events and autocapture (clicks).
 *
 * They are the same for every project and hold nothing secret, so they are answered without
 * a key lookup (a wrong key shows up as the 401 of the first capture instead) and readable
 * from any origin.
 */

/** What every answer says about what to capture. */
const CAPTURE_CONFIG = Object.freeze({
  supportedCompression: ['gzip', 'gzip-js'],
  hasFeatureFlags: false,
  captureDeadClicks: false,
  capturePerformance: false,
  autocapture_opt_out: false,
  autocaptureExceptions: false,
  analytics: { endpoint: '/e/' },
  elementsChainAsString: false,
  errorTracking: { autocaptureExceptions: false, suppressionRules: [] },
  logs: { captureConsoleLogs: false },
  sessionRecording: false,
  heatmaps: false,
  conversations: false,
  surveys: false,
  productTours: false,
  defaultIdentifiedOnly: true,
  siteApps: [],
});

/** posthog-js's remote config for `token`. */
export function remoteConfig(token: string) {
  return { token, ...CAPTURE_CONFIG };
}

/** The `/flags` answer: no flags. */
export function flagsAnswer() {
  return {
    ...CAPTURE_CONFIG,
    flags: {},
    featureFlags: {},
    featureFlagPayloads: {},
    errorsWhileComputingFlags: false,
    quotaLimited: [],
    requestId: crypto.randomUUID(),
  };
}

/** The `/decide` answer of PostHog versions before `/flags`. */
export function decideAnswer() {
  return {
    ...flagsAnswer(),
    config: { enable_collect_everything: true },
    toolbarParams: {},
    isAuthenticated: false,
    editorParams: {},
  };
}

/** `/array/<token>/config.js`: the same config as a script (for posthog-js's array snippet). */
export function remoteConfigScript(token: string): string {
  const key = JSON.stringify(token);
  const config = JSON.stringify({ config: remoteConfig(token), siteApps: [] });
  return `(function(){window._POSTHOG_REMOTE_CONFIG=window._POSTHOG_REMOTE_CONFIG||{};window._POSTHOG_REMOTE_CONFIG[${key}]=${config};})();\n`;
}
