import type { Kysely } from 'kysely';
import type { Severity } from '../domain/severity.js';
import type { Clock } from '../shared/clock.js';
import type { RuleSetReport, RuleSetStore, RuleTuning, RuleTuningPatch, RuleTuningStore, RuleTuningValues } from './rule-tuning-store.js';
import type { RuleTuningTable, StoreTables } from './store-tables.js';

const NO_OVERRIDE: RuleTuningValues = { enabled: null, severity: null, dedupPeriodMinutes: null, threshold: null, destinations: null };

/** Rule tuning and the instances' rule sets through Kysely: dialect-neutral, shared by every store. */
export class RuleTuningRepository implements RuleTuningStore, RuleSetStore {
  constructor(
    private readonly db: Kysely<StoreTables>,
    private readonly clock: Clock,
  ) {}

  async listRuleTunings(): Promise<Map<string, RuleTuning>> {
    const rows = await this.db.selectFrom('rule_tuning').selectAll().orderBy('rule_id').execute();
    return new Map(rows.map((r) => [r.rule_id, toTuning(r)]));
  }

  async getRuleTuning(ruleId: string): Promise<RuleTuning | undefined> {
    const row = await this.db.selectFrom('rule_tuning').selectAll().where('rule_id', '=', ruleId).executeTakeFirst();
    return row ? toTuning(row) : undefined;
  }

  async tuneRule(ruleId: string, patch: RuleTuningPatch, by: string): Promise<RuleTuning | undefined> {
    const values = toColumns(patch);
    const now = this.clock.now();
    await this.db
      .insertInto('rule_tuning')
      .values({ ...toColumns(NO_OVERRIDE), ...values, rule_id: ruleId, updated_by: by, updated_at: now })
      .onConflict((oc) => oc.column('rule_id').doUpdateSet({ ...values, updated_by: by, updated_at: now }))
      .execute();
    // A tuning whose every override was cleared is no tuning: the rule is back to its defaults.
    await this.db
      .deleteFrom('rule_tuning')
      .where('rule_id', '=', ruleId)
      .where('enabled', 'is', null)
      .where('severity', 'is', null)
      .where('dedup_period_minutes', 'is', null)
      .where('threshold', 'is', null)
      .where('destinations_json', 'is', null)
      .execute();
    return this.getRuleTuning(ruleId);
  }

  async resetRuleTuning(ruleId: string): Promise<boolean> {
    const result = await this.db.deleteFrom('rule_tuning').where('rule_id', '=', ruleId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async reportRuleSet(report: Omit<RuleSetReport, 'seenAt'>): Promise<void> {
    const row = { digest: report.digest, user_rules: report.userRules, load_errors: report.loadErrors, seen_at: this.clock.now() };
    await this.db
      .insertInto('rule_set_instances')
      .values({ owner: report.owner, ...row })
      .onConflict((oc) => oc.column('owner').doUpdateSet(row))
      .execute();
  }

  async listRuleSets(sinceMs: number): Promise<RuleSetReport[]> {
    const rows = await this.db.selectFrom('rule_set_instances').selectAll().where('seen_at', '>=', sinceMs).orderBy('owner').execute();
    return rows.map((r) => ({ owner: r.owner, digest: r.digest, userRules: Number(r.user_rules), loadErrors: Number(r.load_errors), seenAt: Number(r.seen_at) }));
  }
}

type TuningColumns = Omit<RuleTuningTable, 'rule_id' | 'updated_by' | 'updated_at'>;

function toColumns(patch: RuleTuningPatch): Partial<TuningColumns> {
  const out: Partial<TuningColumns> = {};
  if (patch.enabled !== undefined) out.enabled = patch.enabled === null ? null : patch.enabled ? 1 : 0;
  if (patch.severity !== undefined) out.severity = patch.severity;
  if (patch.dedupPeriodMinutes !== undefined) out.dedup_period_minutes = patch.dedupPeriodMinutes;
  if (patch.threshold !== undefined) out.threshold = patch.threshold;
  if (patch.destinations !== undefined) out.destinations_json = patch.destinations === null ? null : JSON.stringify(patch.destinations);
  return out;
}

function toTuning(r: RuleTuningTable): RuleTuning {
  return {
    ruleId: r.rule_id,
    enabled: r.enabled === null ? null : Number(r.enabled) !== 0,
    severity: r.severity as Severity | null,
    dedupPeriodMinutes: r.dedup_period_minutes === null ? null : Number(r.dedup_period_minutes),
    threshold: r.threshold === null ? null : Number(r.threshold),
    destinations: r.destinations_json === null ? null : (JSON.parse(r.destinations_json) as string[]),
    updatedBy: r.updated_by,
    updatedAt: Number(r.updated_at),
  };
}
