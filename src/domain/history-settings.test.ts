import { describe, expect, it } from 'vitest';
import { DEFAULT_HISTORY_SETTINGS, withEgressAllowed } from './history-settings.js';

describe('withEgressAllowed (start --demo allow-lists its simulated office)', () => {
  it('adds the range once and keeps the ranges already configured', () => {
    const configured = { ...DEFAULT_HISTORY_SETTINGS, sharedSourceIp: { ...DEFAULT_HISTORY_SETTINGS.sharedSourceIp, allowCidrs: ['10.0.0.0/8'] } };
    const once = withEgressAllowed(configured, '88.64.66.0/24');
    expect(once.sharedSourceIp).toEqual({ windowMinutes: 60, users: 10, allowCidrs: ['10.0.0.0/8', '88.64.66.0/24'] });
    expect(withEgressAllowed(once, '88.64.66.0/24').sharedSourceIp.allowCidrs).toEqual(['10.0.0.0/8', '88.64.66.0/24']);
    expect(configured.sharedSourceIp.allowCidrs).toEqual(['10.0.0.0/8']);
  });
});
