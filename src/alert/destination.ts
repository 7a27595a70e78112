import type { Logger } from 'pino';
import type { Clock } from '../shared/clock.js';
import type { Severity } from '../domain/severity.js';
import type { DestinationKind, DestinationSecret, DestinationSettings } from '../domain/destination-settings.js';

/**
 * What is delivered about one alert: everything a responder needs without
 * opening the console. JSON-serializable; times are ISO 8601 UTC.
 */
export interface AlertNotification {
  alertId: string;
  /** `rule` for detections, `system` for Zoomtrail's own alarms (log drop-off, ...). */
  type: 'rule' | 'system';
  ruleId: string;
  ruleDisplayName: string;
  title: string;
  severity: Severity;
  dedup: string;
  status: 'open' | 'acknowledged' | 'resolved';
  /** Matches grouped into the alert so far. */
  eventCount: number;
  firstEventTime: string;
  lastEventTime: string;
  createdAt: string;
  description: string;
  runbook: string;
  reference: string;
  tags: readonly string[];
  mitre: readonly string[];
  /** The rule's alertContext of the first match, plus the summary attributes' values. */
  context: Record<string, unknown>;
  /** Link to the alert in the console when a public URL is configured, else null. */
  url: string | null;
}

/** One delivery attempt's outcome. Messages never contain the secret. */
export type DeliveryResult =
  | { ok: true; status: number | null; message: string }
  | {
      ok: false;
      /** False when retrying cannot help (a 4xx other than 408/429, a bad URL). */
      retryable: boolean;
      status: number | null;
      message: string;
      /** When the receiver said when to come back (Retry-After). */
      retryAfterMs?: number;
    };

export interface SendContext {
  fetch: typeof fetch;
  clock: Clock;
  logger: Logger;
  /** Per-attempt limit; default 10 s. */
  timeoutMs?: number;
}

/** A URL a destination sends to. */
export interface DestinationTarget {
  field: 'url' | 'secret';
  what: string;
  url: string;
}

/** One kind of destination: checks settings and sends one notification. */
export interface DestinationSender {
  readonly kind: DestinationKind;
  /** Words for `destination add --help` and the console. */
  readonly description: string;
  /** Whether `secret` is required for this kind. */
  readonly needsSecret: boolean;
  /** A message naming what is wrong with the settings or secret, or null when they are usable. */
  validate(settings: DestinationSettings, secret: DestinationSecret): string | null;
  /**
   * The URLs it sends to, each with the field that holds it (`url`, or `secret` for Slack,
   * whose URL is the secret) and words naming it: checked against the outbound address policy when saved.
   */
  targets(settings: DestinationSettings, secret: DestinationSecret): DestinationTarget[];
  send(notification: AlertNotification, settings: DestinationSettings, secret: DestinationSecret, context: SendContext): Promise<DeliveryResult>;
}
