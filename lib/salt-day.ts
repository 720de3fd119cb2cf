/**
 * Which day's visitor salt an event is hashed with. One function, used by the API (which
 * hashes new records) and by the consumer (which still hashes records written before the API
 * did), so both sides always agree; a different rule (e.g. the site's local midnight) is a
 * change here only.
 *
 * The day comes from the server's receive time, never the client's clock, so a client cannot
 * pick which day's salt (and thus which visitor) its events land in.
 */
import { utcDay } from './time.js';

/**
 * The salt day ('YYYY-MM-DD') of an event received at `receivedAtMs`. `timezone` is the site's
 * IANA zone when the record carries one; today every salt day is the UTC day.
 */
export function saltDayOf(receivedAtMs: number, _timezone?: string): string {
  return utcDay(new Date(receivedAtMs));
}
