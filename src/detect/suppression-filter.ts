import type { Logger } from 'pino';
import type { Clock } from '../shared/clock.js';
import type { SuppressionRecord, SuppressionStore } from '../store/suppression-store.js';
import type { BatchEvaluation, DetectableEvent } from './detector.js';
import { fieldsWithUdm } from './event-fields.js';
import { compileExpressionList, type Matcher } from './match-expression.js';
import { RuleEvent } from './rule-event.js';

/** Held-back matches per suppression id, to add to its count once the batch is committed. */
export type SuppressedCounts = Map<string, { count: number; lastEventMs: number }>;

/**
 * Applies the rule suppressions (Panther's Inline Filters, as tuning) to a
 * batch's matches before they are committed: a match of a rule whose
 * suppression's match expressions hold on the event (and whose end, if any,
 * is still ahead) does not alert; it is counted on the suppression instead.
 * Suppressions are read on every batch, so a change applies at once.
 */
export class SuppressionFilter {
  readonly #compiled = new Map<string, Matcher | null>();

  constructor(
    private readonly store: SuppressionStore,
    private readonly clock: Clock,
    private readonly logger?: Pick<Logger, 'warn'>,
  ) {}

  async apply(evaluation: BatchEvaluation, events: readonly DetectableEvent[]): Promise<{ evaluation: BatchEvaluation; suppressed: SuppressedCounts }> {
    const suppressed: SuppressedCounts = new Map();
    if (evaluation.matches.length === 0) return { evaluation, suppressed };
    const now = this.clock.now();
    const active = (await this.store.listSuppressions()).filter((s) => s.untilMs === null || now < s.untilMs);
    if (active.length === 0) return { evaluation, suppressed };
    const byRule = new Map<string, { record: SuppressionRecord; matcher: Matcher }[]>();
    for (const record of active) {
      const matcher = this.#matcher(record);
      if (matcher) byRule.set(record.ruleId, [...(byRule.get(record.ruleId) ?? []), { record, matcher }]);
    }
    const byRow = new Map(events.map((e) => [e.rowId, e]));
    const views = new Map<string, Readonly<Record<string, unknown>>>();
    const kept = evaluation.matches.filter((match) => {
      const rules = byRule.get(match.ruleId);
      const stored = byRow.get(match.rowId);
      if (!rules || !stored) return true;
      let fields = views.get(match.rowId);
      if (!fields) views.set(match.rowId, (fields = fieldsWithUdm(new RuleEvent(stored.event))));
      const hit = rules.find((s) => s.matcher(fields));
      if (!hit) return true;
      const entry = suppressed.get(hit.record.id) ?? { count: 0, lastEventMs: match.eventTimeMs };
      entry.count++;
      entry.lastEventMs = Math.max(entry.lastEventMs, match.eventTimeMs);
      suppressed.set(hit.record.id, entry);
      return false;
    });
    return { evaluation: { matches: kept, errors: evaluation.errors }, suppressed };
  }

  #matcher(record: SuppressionRecord): Matcher | null {
    const key = `${record.id}\0${JSON.stringify(record.match)}`;
    if (!this.#compiled.has(key)) {
      try {
        this.#compiled.set(key, compileExpressionList(record.match, ['match']));
      } catch (error) {
        this.logger?.warn({ suppressionId: record.id, ruleId: record.ruleId, err: error }, 'suppression has an invalid match expression; it is ignored');
        this.#compiled.set(key, null);
      }
    }
    return this.#compiled.get(key)!;
  }
}
