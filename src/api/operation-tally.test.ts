import { describe, expect, it } from 'vitest';
import { tallyOperations } from './operation-tally.js';

describe('tallyOperations', () => {
  it('counts operators case-insensitively and each change name once per event, most first, ties by name', () => {
    const events = [
      { operator: 'Admin@x.io', p_udm: { changes: [{ name: 'Two-Factor' }, { name: 'Two-Factor' }, { name: 'Recording' }] } },
      { operator: 'admin@x.io', p_udm: { changes: [{ name: 'Recording' }] } },
      { operator: 'bob@x.io', p_udm: { changes: 'not a list' } },
      { operator: '  ', p_udm: { changes: [{ name: 'Alpha' }, null, { name: 3 }] } },
      { email: 'someone@x.io' },
    ];
    expect(tallyOperations(events, 10)).toEqual({
      topOperators: [
        { operator: 'admin@x.io', count: 2 },
        { operator: 'bob@x.io', count: 1 },
      ],
      topSettings: [
        { name: 'Recording', count: 2 },
        { name: 'Alpha', count: 1 },
        { name: 'Two-Factor', count: 1 },
      ],
    });
    expect(tallyOperations(events, 1).topSettings).toEqual([{ name: 'Recording', count: 2 }]);
  });
});
