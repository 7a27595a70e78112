import { describe, expect, it } from 'vitest';
import type { RuleTuning } from '../store/rule-tuning-store.js';
import type { DetectableEvent } from './detector.js';
import { defineRule } from './rule.js';
import { replayRules } from './rules-replay.js';
import { effectiveSettings, tuningPatchProblems, tuningRows } from './rule-tuning.js';

const RULE = defineRule({
  meta: { id: 'Test.Delete', displayName: 'Delete', logTypes: ['Zoom.Operation'], severity: 'LOW', description: '', runbook: '', reference: '' },
  rule: (e) => e.text('action') === 'Delete',
  tests: [],
});

const tuning = (over: Partial<RuleTuning>): RuleTuning => ({
  ruleId: RULE.meta.id,
  enabled: null,
  severity: null,
  dedupPeriodMinutes: null,
  threshold: null,
  destinations: null,
  updatedBy: 'dana',
  updatedAt: 0,
  ...over,
});

/** Deletes a minute apart. */
async function* deletes(n: number): AsyncIterable<DetectableEvent> {
  for (let i = 0; i < n; i++) {
    yield { rowId: `r${i}`, sourceId: 's', logType: 'Zoom.Operation', eventTimeMs: i * 60_000, event: { action: 'Delete', operator: 'a@x.io' } };
  }
}

describe('rule tuning', () => {
  it('the values in effect: the override where set, else the rule own; rows show both', () => {
    expect(effectiveSettings(RULE.meta, undefined)).toEqual({ enabled: true, severity: 'LOW', dedupPeriodMinutes: 60, threshold: 1, destinations: null });
    const t = tuning({ severity: 'HIGH', threshold: 5, destinations: ['pager'] });
    expect(effectiveSettings(RULE.meta, t)).toEqual({ enabled: true, severity: 'HIGH', dedupPeriodMinutes: 60, threshold: 5, destinations: ['pager'] });
    expect(tuningRows(RULE.meta, t).find((r) => r.setting === 'threshold')).toEqual({ setting: 'threshold', default: 1, override: 5, effective: 5 });
  });

  it('refuses numbers out of bounds and destinations that do not exist', () => {
    expect(tuningPatchProblems({ threshold: 0, dedupPeriodMinutes: 50_000, destinations: ['pager', 'nowhere'] }, new Set(['pager']))).toEqual([
      'dedupPeriodMinutes must be a whole number from 1 to 43200, not 50000',
      'threshold must be a whole number from 1 to 1000000, not 0',
      'there is no destination "nowhere" (see `zoomtrail destination list`)',
    ]);
    expect(tuningPatchProblems({ threshold: null, destinations: null }, new Set())).toEqual([]);
  });

  it('replay and backtest group with the tuning: threshold, dedup period and severity', async () => {
    const own = await replayRules([RULE], deletes(6));
    expect(own.raised.map((a) => [a.eventCount, a.severity])).toEqual([[6, 'LOW']]);
    const tuned = await replayRules(
      [RULE],
      deletes(6),
      undefined,
      undefined,
      undefined,
      new Map([[RULE.meta.id, tuning({ dedupPeriodMinutes: 2, threshold: 2, severity: 'HIGH' })]]),
    );
    // Two-minute groups of two deletes each (a minute apart), each at its threshold.
    expect(tuned.raised.map((a) => [a.eventCount, a.severity])).toEqual([
      [2, 'HIGH'],
      [2, 'HIGH'],
      [2, 'HIGH'],
    ]);
  });
});
