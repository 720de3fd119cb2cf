/**
 * Enrichment: the pure, per-event functions the consumer runs between "decoded a raw
 * message" and "row ready for ClickHouse". No I/O, no config reads, no module-level state
 * (the user agent parser's cache lives in the object `createUserAgentParser` returns).
 */
export { isBotUserAgent } from './bot.js';
export {
  correctEventTime,
  parseIsoMs,
  type CorrectedEventTime,
  type EventTimeInput,
  type EventTimeOptions,
} from './event-time.js';
export { splitPayload, type SplitPayload } from './properties.js';
export {
  CHANNELS,
  classifyReferrer,
  isWebmailHost,
  type Channel,
  type ReferrerClassification,
  type ReferrerInput,
} from './referrer.js';
export {
  EMPTY_CLICK_IDS,
  EMPTY_UTM,
  parseEventUrl,
  urlHost,
  type ClickIds,
  type ParsedEventUrl,
  type Utm,
} from './url.js';
export {
  createUserAgentParser,
  type DeviceType,
  type UserAgentInfo,
  type UserAgentParser,
  type UserAgentParserOptions,
} from './user-agent.js';
export { utcDay, visitorId, type VisitorIdInput } from '../../lib/visitor-id.js';
