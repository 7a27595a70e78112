import { describe, expect, it } from 'vitest';
import { formatRuleSettings, historyRuleStatuses } from '../detect/history-status.js';
import { DEFAULT_HISTORY_SETTINGS } from '../domain/history-settings.js';
import type { SourceRecord } from '../store/store.js';
import { RULES } from './rule-registry.js';

describe('history rule status', () => {
  it('reports per history rule its settings and whether it is learning (rules list, API)', async () => {
    const source = { createdAt: Date.parse('2026-03-10T08:00:00Z'), backfillDays: 7 } as SourceRecord;
    const store = { listSources: async () => [source] };
    const during = await historyRuleStatuses(store, RULES, DEFAULT_HISTORY_SETTINGS, Date.parse('2026-03-17T12:00:00Z'));
    expect(during.get('Zoom.SignIn.NewCountry')).toEqual({ settings: { lookbackDays: 90, learningDays: 14 }, learning: true, learningUntil: '2026-03-18' });
    expect(during.get('Zoom.SignIn.ImpossibleTravel')).toEqual({ settings: { maxSpeedKmh: 1000 }, learning: false, learningUntil: null });
    expect(during.has('Zoom.PasscodeDisabled')).toBe(false);
    const after = await historyRuleStatuses(store, RULES, DEFAULT_HISTORY_SETTINGS, Date.parse('2026-03-18T00:00:00Z'));
    expect(after.get('Zoom.SignIn.DormantAccount')).toMatchObject({ learning: false, learningUntil: '2026-03-18' });
    expect(formatRuleSettings(after.get('Zoom.SignIn.SharedSourceIp')!.settings)).toBe('windowMinutes=60 users=10 allowCidrs=none');
  });
});
