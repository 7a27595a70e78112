import type { Logger } from 'pino';
import type { Clock } from '../shared/clock.js';
import type { OutboundAddressPolicy } from '../shared/outbound-address-policy.js';
import type { FormattedEvent } from './formats/event-format.js';

/** What a sink is configured with (the sink row without its bookkeeping). */
export interface SinkConfig {
  url: string;
  settings: Record<string, unknown>;
}

export interface SinkContext extends SinkConfig {
  /** Decrypted; never logged, never in an error message. */
  secret: string | null;
  /** The app's guarded fetch (outbound address policy). */
  fetch: typeof fetch;
  /** The outbound address policy, for sinks that open their own connections (syslog); checked on every connection. */
  policy?: OutboundAddressPolicy;
  clock: Clock;
  logger: Logger;
  /** Per-attempt limit; default 10 s. */
  timeoutMs?: number;
  /** Held by the forwarder for one sink between batches (e.g. a NATS connection); `close` releases it. */
  resources: Map<string, unknown>;
  /** The sink's format (read back needs to know where the time and log type are). */
  format?: string;
}

/** A batch-level failure: nothing was confirmed; the cursor stays and the batch is retried after a backoff. */
export interface SendError {
  retryable: boolean;
  message: string;
  fix?: string;
}

/**
 * What the sink confirmed. `delivered` and `rejected` (refused for good, e.g.
 * a mapping error: a dead letter) together cover the batch when there is no
 * `error`; with an `error` the forwarder retries the whole batch (sinks
 * that deduplicate by row id make that harmless).
 */
export interface SendOutcome {
  delivered: string[];
  rejected: Array<{ rowId: string; reason: string }>;
  error?: SendError;
}

/** A URL a sink connects to, checked against the outbound address policy when the sink is saved. */
export interface SinkTarget {
  what: string;
  url: string;
}

/** One kind of sink: checks its settings and sends batches. */
export interface Sink {
  readonly kind: SinkKind;
  /** Words for `sink add --help` and the console. */
  readonly description: string;
  readonly needsSecret: boolean;
  /** What is wrong with the settings or secret, or null when usable. */
  validate(config: SinkConfig, secret: string | null): string | null;
  targets(config: SinkConfig): SinkTarget[];
  send(batch: readonly FormattedEvent[], context: SinkContext): Promise<SendOutcome>;
  /** Releases what `send` kept in `context.resources`. */
  close?(context: SinkContext): Promise<void>;
  /**
   * For `zoomtrail sink verify`: the row ids the sink holds for `logType`
   * (a stream, or `Zoomtrail.Coverage`) on UTC `day`, read back from it.
   * Only sinks that can be read back (Elasticsearch, NATS JetStream, S3).
   */
  readBackRowIds?(logType: string, day: string, context: SinkContext): Promise<string[]>;
}

export const SINK_KINDS = ['http', 'nats', 'elasticsearch', 'splunk-hec', 's3', 'syslog'] as const;
export type SinkKind = (typeof SINK_KINDS)[number];

export function isSinkKind(value: string): value is SinkKind {
  return (SINK_KINDS as readonly string[]).includes(value);
}
