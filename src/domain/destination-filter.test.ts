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

describe('destinationWants with a rule routed to named destinations', () => {
  const pager = { id: 'd1', name: 'pager', enabled: true, settings: { minSeverity: 'CRITICAL' as const, ruleIds: ['Zoom.Other'] } };
  const slack = { id: 'd2', name: 'slack', enabled: true, settings: {} };
  it('sends to exactly the named destinations (by name or id), over their own filters', () => {
    expect(destinationWants(pager, alert, ['pager'])).toBe(true);
    expect(destinationWants(slack, alert, ['pager'])).toBe(false);
    expect(destinationWants(slack, alert, ['d2'])).toBe(true);
  });
  it('never to a disabled one, and not for system alerts', () => {
    expect(destinationWants({ ...pager, enabled: false }, alert, ['pager'])).toBe(false);
    expect(destinationWants(slack, { ...alert, type: 'system' }, ['pager'])).toBe(true);
  });
  it('null routing falls back to the destination filters', () => expect(destinationWants(pager, alert, null)).toBe(false));
});
