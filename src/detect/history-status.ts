import type { HistorySettings } from '../domain/history-settings.js';
import { utcDay } from '../shared/clock.js';
import type { SourceStore } from '../store/store.js';
import { historyStartDay, learningUntil } from './history-proof.js';
import { isHistoryRule } from './history-rule.js';
import type { Rule } from './rule.js';

/** What `rules list` and GET /api/rules show of a history rule. */
export interface HistoryRuleStatus {
  /** The rule's thresholds and look-backs (ZOOMTRAIL_HISTORY_* settings). */
  settings: Record<string, number | string>;
  /** A baseline rule whose learning period is not over for some source. */
  learning: boolean;
  /** The first day it may alert on for every source (the latest source's), or null (no learning period, or no source). */
  learningUntil: string | null;
}

/**
 * The status of each history rule (absent for other rules): its settings and,
 * for a baseline rule, whether it is still learning: a source's events are
 * alerted on from `history start + learningDays` (history-proof.ts).
 */
export async function historyRuleStatuses(
  store: Pick<SourceStore, 'listSources'>,
  rules: readonly Rule[],
  settings: HistorySettings,
  nowMs: number,
): Promise<Map<string, HistoryRuleStatus>> {
  const sources = await store.listSources();
  const until = sources.map((s) => learningUntil(historyStartDay(utcDay(s.createdAt), s.backfillDays), settings.learningDays)).sort();
  const latest = until.at(-1) ?? null;
  const today = utcDay(nowMs);
  const out = new Map<string, HistoryRuleStatus>();
  for (const rule of rules) {
    if (!isHistoryRule(rule)) continue;
    const learningUntilDay = rule.history.learning ? latest : null;
    out.set(rule.meta.id, {
      settings: rule.history.settings(settings),
      learning: learningUntilDay !== null && today < learningUntilDay,
      learningUntil: learningUntilDay,
    });
  }
  return out;
}

/** `lookbackDays=90 learningDays=14`: a status's settings on one line. */
export function formatRuleSettings(settings: Record<string, number | string>): string {
  return Object.entries(settings)
    .map(([key, value]) => `${key}=${value}`)
    .join(' ');
}
