import type { CoverageRecord } from '../domain/coverage-digest.js';

/**
 * The store's part for forwarding's coverage records and sink leases
 * (issue 18, migration 021). Coverage records are written by the page
 * writers; these methods read them back and hand sinks to one instance.
 */
export interface SinkCoverageStore {
  /** Coverage records with `fromDay <= day <= toDay`, by day, log type, source, version. */
  listCoverageRecords(options: { fromDay: string; toDay: string }): Promise<CoverageRecord[]>;
  /** The row ids of the events stored for `logType` on UTC `day`, every source (sorted). */
  dayEventRowIds(logType: string, day: string, sourceId?: string): Promise<string[]>;

  /**
   * Takes the sink's lease if it is free, expired or already ours; a new
   * owner gets token + 1. Null when another live owner holds it.
   */
  acquireSinkLease(sinkId: string, owner: string, ttlMs: number): Promise<SinkLease | null>;
  /** Extends a lease still held with this token; false when it was lost. */
  renewSinkLease(lease: SinkLease, ttlMs: number): Promise<boolean>;
  /** Gives the lease up at once (clean shutdown). */
  releaseSinkLease(lease: SinkLease): Promise<void>;
  listSinkLeases(): Promise<SinkLease[]>;
}

export interface SinkLease {
  sinkId: string;
  owner: string;
  token: number;
  expiresAt: number;
}
