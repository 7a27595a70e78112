import type { Severity } from './severity.js';

/** The kinds of alert destination, a sender for each registered in `alert/destination-registry.ts`. */
export const DESTINATION_KINDS = ['webhook', 'slack', 'pagerduty', 'log'] as const;
export type DestinationKind = (typeof DESTINATION_KINDS)[number];

/** Non-secret settings of a destination, stored as JSON. */
export interface DestinationSettings {
  /** webhook: the receiver; pagerduty: the Events API v2 endpoint (default Zoomtrail's PAGERDUTY_EVENTS_URL). Not used by slack (its URL is the secret) nor log. */
  url?: string;
  /** Alerts below this severity are not sent here; default INFO (everything). */
  minSeverity?: Severity;
  /** Only these rule ids when non-empty (system alerts always go). */
  ruleIds?: string[];
}

/**
 * The secret of a destination, encrypted at rest, never shown: webhook: the
 * HMAC signing key; slack: the incoming-webhook URL; pagerduty: the
 * integration's routing key; log: none.
 */
export type DestinationSecret = string | null;
