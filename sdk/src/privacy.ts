/**
 * Privacy signals the SDK honours by default: Do-Not-Track and Global Privacy Control.
 * Either one means nothing at all is sent or stored.
 */

/** True when the browser asks not to be tracked. */
export function privacySignal(nav: Navigator = navigator): boolean {
  return nav.doNotTrack === '1' || (nav as { globalPrivacyControl?: boolean }).globalPrivacyControl === true;
}
