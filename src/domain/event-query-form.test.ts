import { describe, expect, it } from 'vitest';
import { formOfQueryText, queryTextOfFormValues, type EventFormValues } from './event-query-form.js';

describe('the filter form as a query and back', () => {
  it.each<[string, EventFormValues]>([
    ['', {}],
    ['action:Delete', { action: 'Delete' }],
    ['email:bob@example.com action:Add', { email: 'bob@example.com', action: 'Add' }],
    ['email:bob@example.com AND category:User', { email: 'bob@example.com', category: 'User' }],
    ['(logType:Zoom.Operation source:src_1)', { logType: 'Zoom.Operation', sourceId: 'src_1' }],
    ['"two-factor"', { text: 'two-factor' }],
    ['detail:"Edit Group" p_udm.changes.name:"Sign in"', { text: 'Edit Group', change: 'Sign in' }],
    ['country:DE asn:3320 ip:198.51.100.7', { country: 'DE', asn: '3320', ip: '198.51.100.7' }],
    ['text:"100\\*"', { text: '100*' }],
  ])('%s fills the form with %j', (query, values) => {
    expect(formOfQueryText(query)).toEqual({ kind: 'form', values });
  });

  it.each<[string, RegExp]>([
    ['action:add OR action:delete', /OR/],
    ['NOT action:add', /NOT/],
    ['logType:Zoom.Operation NOT (action:add OR action:delete)', /NOT/],
    ['(action:add OR action:delete) category:user', /OR/],
    ['change:"Two-Factor*"', /wildcard/],
    ['p_event_time>=2026-11-01 action:add', /p_event_time/],
    ['asn>=3320', /asn/],
    ['action:add action:delete', /action more than once/],
  ])('%s is more than the form can show (%s)', (query, reason) => {
    const form = formOfQueryText(query);
    expect(form.kind).toBe('more');
    expect(form.kind === 'more' && form.reason).toMatch(reason);
  });

  it('gives the syntax error of a malformed query', () => {
    expect(formOfQueryText('action:add OR (text:x')).toMatchObject({ kind: 'error', error: { position: 14 } });
  });

  it.each<EventFormValues>([
    {},
    { action: 'Delete' },
    {
      logType: 'Zoom.Activity',
      sourceId: 'src_a',
      email: 'a@example.com',
      ip: '2001:db8::1',
      country: 'US',
      asn: '15169',
      category: 'User',
      action: 'Add',
      text: 'Add User',
      change: 'Two-Factor',
    },
    { text: 'a "quoted" (value) with * and \\', change: 'OR' },
    { category: 'NOT', action: 'AND' },
  ])('round trip: the form values %j as a query fill the form with the same values', (values) => {
    const text = queryTextOfFormValues(values);
    expect(formOfQueryText(text), text).toEqual({ kind: 'form', values });
    expect(queryTextOfFormValues((formOfQueryText(text) as { values: EventFormValues }).values)).toBe(text);
  });

  it('writes the form values in the form order, blank ones left out', () => {
    expect(queryTextOfFormValues({ change: 'Two-Factor', email: ' bob@example.com ', action: '' })).toBe('email:bob@example.com change:Two-Factor');
  });
});
