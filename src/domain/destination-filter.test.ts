import { describe, expect, it } from 'vitest';
import { destinationWants } from './destination-filter.js';

const alert = { type: 'rule' as const, ruleId: 'Zoom.PasscodeDisabled', severity: 'LOW' as const };

describe('destinationWants', () => {
  it('sends everything by default', () => expect(destinationWants({ enabled: true, settings: {} }, alert)).toBe(true));
  it('sends nothing when disabled', () => expect(destinationWants({ enabled: false, settings: {} }, alert)).toBe(false));
  it('filters by minimum severity', () => {
    expect(destinationWants({ enabled: true, settings: { minSeverity: 'MEDIUM' } }, alert)).toBe(false);
    expect(destinationWants({ enabled: true, settings: { minSeverity: 'LOW' } }, alert)).toBe(true);
  });
  it('filters by rule ids, but system alerts always go', () => {
    const settings = { ruleIds: ['Zoom.Two.Factor.Authentication.Disabled'] };
    expect(destinationWants({ enabled: true, settings }, alert)).toBe(false);
    expect(destinationWants({ enabled: true, settings }, { ...alert, ruleId: 'Zoom.Two.Factor.Authentication.Disabled' })).toBe(true);
    expect(destinationWants({ enabled: true, settings }, { ...alert, type: 'system', ruleId: 'System.LogDropOff' })).toBe(true);
  });
});
