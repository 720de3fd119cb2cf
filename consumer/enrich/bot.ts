/**
 * Is this user agent a bot? A thin, documented wrapper over `isbot` (v5, MIT-compatible
 * Unlicense), whose single precompiled pattern covers crawlers, monitors, headless browsers
 * and HTTP libraries.
 *
 * Decisions:
 * - An empty (or blank) user agent is **not** flagged. It is not proof of a bot: privacy
 *   extensions, some in-app webviews and server-side senders strip it, and flagging would
 *   silently drop real people from every human-only chart. The consumer reports it as
 *   `device_type = 'unknown'` instead, so analysts can still filter it out.
 * - Anything isbot matches is flagged, including bare HTTP clients (`curl/…`, `okhttp/…`,
 *   `python-requests/…`) and the lone token `Mozilla/5.0`. Native apps must therefore send
 *   the device's real user agent in the event's `user_agent` field; otherwise the API's
 *   fallback (the request's own header, often `okhttp/…`) marks all their traffic as bots.
 */
import { isbot } from 'isbot';

/**
 * True when the user agent belongs to a crawler, monitor, headless browser or HTTP library.
 * False for an empty or missing user agent (see the module comment for why).
 */
export function isBotUserAgent(ua: string | null | undefined): boolean {
  if (ua === null || ua === undefined || ua === '') return false;
  // isbot(' ') would be false anyway, but be explicit: blank is "unknown", not "bot".
  return isbot(ua) && ua.trim() !== '';
}
