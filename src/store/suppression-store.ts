/**
 * Rule suppressions (Panther's Inline Filters used as tuning): "do not alert
 * this rule when ...", written with the same match expressions as YAML rules,
 * each with a reason, who added it and an optional end. Matches a suppression
 * holds back are counted on it (never silently dropped).
 */
export interface NewSuppression {
  ruleId: string;
  /** Match expressions (a list, all must hold), as YAML rules write them. */
  match: unknown[];
  reason: string;
  /** Epoch ms after which it no longer applies; null = until removed. */
  untilMs: number | null;
  createdBy: string;
}

export interface SuppressionRecord extends NewSuppression {
  id: string;
  createdAt: number;
  /** Matches held back so far. */
  suppressedCount: number;
  lastSuppressedMs: number | null;
}

export interface SuppressionStore {
  createSuppression(input: NewSuppression): Promise<SuppressionRecord>;
  /** Every suppression (of one rule), oldest first. */
  listSuppressions(query?: { ruleId?: string }): Promise<SuppressionRecord[]>;
  /** False when there was none with this id. */
  deleteSuppression(id: string): Promise<boolean>;
  /** Adds held-back matches to each suppression's count (a removed suppression is skipped). */
  recordSuppressed(counts: ReadonlyMap<string, { count: number; lastEventMs: number }>): Promise<void>;
}
