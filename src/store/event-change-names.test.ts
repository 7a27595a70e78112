import { describe, expect, it } from 'vitest';
import { eventChangeNames, joinedChangeNames, searchedChangeNames } from './event-change-names.js';

describe('event change names (both stores search these)', () => {
  it('are the names of p_udm.changes, an array or an object of changes, as SQLite json_extract reads them', () => {
    const changes = [{ name: 'Waiting Room' }, { name: 42 }, { name: true }, { name: { a: 1 } }, { from: 'x' }, 'not a change', null, ['nested'], { name: null }];
    expect(eventChangeNames({ p_udm: { changes } })).toEqual(['Waiting Room', '42', '1', '{"a":1}']);
    expect(eventChangeNames({ p_udm: { changes: { first: { name: 'A' }, second: { name: 'B' } } } })).toEqual(['A', 'B']);
    for (const event of [{}, { p_udm: null }, { p_udm: { changes: 'text' } }, { p_udm: { changes: [] } }, { changes: [{ name: 'top level' }] }]) {
      expect(eventChangeNames(event)).toEqual([]);
      expect(joinedChangeNames(event)).toBeNull();
      expect(searchedChangeNames(event)).toBeNull();
    }
  });

  it('are joined one a line; PostgreSQL stores them lower-cased', () => {
    const event = { p_udm: { changes: [{ name: 'Join Before Host' }, { name: 'ÉCRAN' }] } };
    expect(joinedChangeNames(event)).toBe('Join Before Host\nÉCRAN');
    expect(searchedChangeNames(event)).toBe('join before host\nécran');
  });
});
