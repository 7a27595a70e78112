import type { LogType } from '../zoom/report-records.js';

/** What the collector knows about a record besides its content. */
export interface NormalizeContext {
  sourceId: string;
  sourceLabel: string;
  /** Deterministic id of the stored row, computed by the collector (src/collect/row-identity.ts). */
  rowId: string;
  /** When the record was parsed, ms since the epoch. */
  parseTimeMs: number;
}

/** A record that matched its schema: the Zoom fields plus Panther's p_ fields. */
export interface NormalizedEvent {
  event: Record<string, unknown>;
  /** The isEventTime field, ms since the epoch (UTC). */
  eventTimeMs: number;
  /** p_any_emails: lower-cased, de-duplicated, sorted. */
  emails: string[];
  /** p_any_ip_addresses: valid IPv4/IPv6 only, de-duplicated, sorted. */
  ipAddresses: string[];
}

/** A record that failed its schema; never dropped, stored as a classification failure. */
export interface ClassificationProblem {
  /** Names the field at fault, e.g. `missing required field "email"`. */
  reason: string;
  field: string | null;
  /** The event time if it could be read (for the day the failure belongs to). */
  eventTimeMs: number | null;
}

export type NormalizeResult = { ok: true; value: NormalizedEvent } | { ok: false; problem: ClassificationProblem };

/** A schema compiled into a function; one per log type. */
export interface Normalizer {
  readonly logType: LogType;
  normalize(raw: unknown, context: NormalizeContext): NormalizeResult;
}
