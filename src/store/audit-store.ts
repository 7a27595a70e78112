/**
 * The audit trail's part of the store: append and read, nothing else (no update, no delete: the
 * product cannot rewrite its own history). Values are masked by the caller before they get here.
 */
export interface AuditStore {
  appendAudit(entry: NewAuditEntry): Promise<AuditEntry>;
  /** Newest first; every filter optional. */
  listAudit(query?: AuditQuery): Promise<AuditEntry[]>;
}

/** `cli`: a command run on the server (`zoomtrail users ...`), named by the operating-system user. */
export type AuditActorKind = 'user' | 'token' | 'anonymous' | 'cli';

export interface NewAuditEntry {
  /** A user name, or an API token's name (actorKind `token`), or the name given at a failed sign-in. */
  actor: string;
  actorKind: AuditActorKind;
  /** The client's address (behind a trusted proxy: from X-Forwarded-For). */
  address: string | null;
  /** e.g. `sources.update`, `auth.login`, `alerts.status` */
  action: string;
  objectType: string | null;
  objectId: string | null;
  outcome: 'ok' | 'failed';
  /** The HTTP status the action answered. */
  status: number;
  before: unknown;
  after: unknown;
  /** What was asked for (the request body), masked. */
  change: unknown;
}

export interface AuditEntry extends NewAuditEntry {
  id: string;
  at: number;
}

export interface AuditQuery {
  actor?: string;
  action?: string;
  objectType?: string;
  objectId?: string;
  /** ms since the epoch, inclusive. */
  since?: number;
  /** Default 100, at most 10,000. */
  limit?: number;
}
