/**
 * The module build: `import { init } from '@clickstream/sdk'`.
 *
 * @example
 * const cs = init({ writeKey: 'csk_...', endpoint: 'https://collector.example' });
 * cs.track('checkout', { total: 42 });
 */
import { createClient } from './client';
import type { Clickstream, Options } from './types';

export type { Clickstream, Consent, Options } from './types';

/** Starts tracking this page; returns the same API as `window.clickstream`. Call it once. */
export function init(options: Options): Clickstream {
  return createClient(options);
}
