/**
 * The script-tag build served as `/sdk.js`:
 * `<script defer src="https://COLLECTOR/sdk.js" data-write-key="csk_..."></script>`.
 * Reads its `data-*` attributes and sets `window.clickstream`.
 */
import { createClient } from './client';
import type { Clickstream, Consent } from './types';

declare global {
  interface Window {
    clickstream?: Clickstream;
  }
}

const script = document.currentScript as HTMLScriptElement | null;
// A second copy of the tag does nothing: one client per page, or every event would count twice.
if (script && !window.clickstream) {
  const data = script.dataset;
  window.clickstream = createClient({
    writeKey: data.writeKey ?? '',
    endpoint: data.endpoint || new URL(script.src).origin,
    consent: data.consent as Consent | undefined,
    respectDnt: data.respectDnt !== 'false',
  });
}
