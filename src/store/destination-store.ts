import type { DestinationKind, DestinationSecret, DestinationSettings } from '../domain/destination-settings.js';

/**
 * The store's part for destinations and the delivery outbox. Deliveries are
 * queued by the detection commit and by system alarms (one transaction with
 * the alert); the delivery worker claims and records them.
 */
export interface DestinationStore {
  // --- destinations ----------------------------------------------------------
  createDestination(input: NewDestination): Promise<DestinationRecord>;
  /** Throws UnknownDestinationError. `secret: null` removes it; undefined keeps it. */
  updateDestination(id: string, patch: DestinationPatch): Promise<DestinationRecord>;
  /** By id or by name. */
  getDestination(idOrName: string): Promise<DestinationRecord | undefined>;
  listDestinations(): Promise<DestinationRecord[]>;
  /** Removes it with its pending deliveries (the delivery log stays). */
  removeDestination(id: string): Promise<boolean>;
  /** Decrypted; only the delivery worker calls this. */
  getDestinationSecret(id: string): Promise<DestinationSecret>;

  // --- delivery outbox -------------------------------------------------------
  /** Pending deliveries due at `now`, oldest first. */
  dueDeliveries(now: number, limit: number): Promise<DeliveryRecord[]>;
  /**
   * Claims up to `limit` pending deliveries due at `now` for `owner` until
   * `now + claimMs` (one statement): with several instances, each delivery is
   * sent by one of them; a crashed claimer's claims lapse.
   */
  claimDueDeliveries(owner: string, now: number, limit: number, claimMs: number): Promise<DeliveryRecord[]>;
  /** Earliest `nextAttemptAt` of a pending delivery, or null. */
  nextDeliveryDueAt(): Promise<number | null>;
  /** Logs an attempt and moves the delivery to its next state, in one transaction. */
  recordDeliveryAttempt(attempt: DeliveryAttemptInput): Promise<void>;
  listDeliveries(query: DeliveryQuery): Promise<DeliveryRecord[]>;
  listDeliveryAttempts(deliveryId: string): Promise<DeliveryAttemptRecord[]>;
}

export interface DestinationFields {
  name: string;
  kind: DestinationKind;
  settings: DestinationSettings;
  enabled: boolean;
}

export interface NewDestination extends DestinationFields {
  secret: DestinationSecret;
}

export type DestinationPatch = Partial<Omit<DestinationFields, 'kind'>> & { secret?: DestinationSecret };

export interface DestinationRecord extends DestinationFields {
  id: string;
  /** Whether a secret is stored; its value never leaves the store except through getDestinationSecret. */
  hasSecret: boolean;
  createdAt: number;
  updatedAt: number;
}

export type DeliveryNotice = 'raised' | 'resolved';
export type DeliveryState = 'pending' | 'delivered' | 'failed';

export interface DeliveryRecord {
  id: string;
  alertId: string;
  destinationId: string;
  notice: DeliveryNotice;
  state: DeliveryState;
  attempts: number;
  nextAttemptAt: number;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
  deliveredAt: number | null;
}

export interface DeliveryAttemptInput {
  deliveryId: string;
  at: number;
  ok: boolean;
  status: number | null;
  message: string;
  durationMs: number;
  /** After a failure: when to try again, or null to give up (state `failed`). */
  retryAt: number | null;
}

export interface DeliveryAttemptRecord {
  deliveryId: string;
  attempt: number;
  at: number;
  ok: boolean;
  status: number | null;
  message: string;
  durationMs: number;
}

export interface DeliveryQuery {
  alertId?: string;
  destinationId?: string;
  state?: DeliveryState;
  limit?: number;
}
