import { describe, expect, it } from 'vitest';
import { normalizerFor } from '../../normalize/log-type-registry.js';
import type { StoredEvent } from '../../store/store.js';
import type { LogType } from '../../zoom/report-records.js';
import { generateDay } from '../../zoom-sim/record-generator.js';
import { formatFor } from './format-registry.js';

const day = generateDay({ seed: 11, day: '2026-01-05', volume: { activities: 200, operations: 400 } });

/** A simulator record normalized as the collector does, as the store returns it. */
function stored(logType: LogType, raw: unknown, i: number, extra: Record<string, unknown> = {}): StoredEvent {
  const result = normalizerFor(logType).normalize(raw, { sourceId: 'src-1', sourceLabel: 'Acme', rowId: `row-${i}`, parseTimeMs: 1_767_600_000_000 });
  if (!result.ok) throw new Error(result.problem.reason);
  const { event, eventTimeMs, emails, ipAddresses } = result.value;
  return { rowId: `row-${i}`, sourceId: 'src-1', logType, day: '2026-01-05', eventTimeMs, storedAt: 1_767_600_000_001, emails, ipAddresses, event: { ...event, ...extra } };
}

const activity = (type: string) => {
  const i = day.activities.findIndex((a) => (a as { type: string }).type === type && (a as { ip_address?: string }).ip_address);
  return stored('Zoom.Activity', day.activities[i], i);
};
const operation = (category: string, action: string) => {
  const i = day.operations.findIndex((o) => (o as { category_type: string }).category_type === category && (o as { action: string }).action === action);
  if (i < 0) throw new Error(`no ${category} ${action} in the sample day`);
  return stored('Zoom.Operation', day.operations[i], i);
};
const LOCATION = { kind: 'public', country: 'DE', country_name: 'Germany', region: 'Hesse', city: 'Frankfurt', lat: 50.11, lng: 8.68, asn: 3320, org: 'Deutsche Telekom AG' };
const located = (e: StoredEvent): StoredEvent => ({ ...e, event: { ...e.event, p_enrichment: { ip_location: { ip_address: LOCATION } } } });

describe('panther format', () => {
  it('is the stored event, p_ fields included', () => {
    const e = activity('Sign in');
    expect(formatFor('panther').format(e)).toBe(e.event);
    expect(formatFor('panther').format(e)).toHaveProperty('p_row_id', e.rowId);
  });
});

describe('ocsf format', () => {
  const ocsf = formatFor('ocsf');
  it.each([
    ['Sign in', 1, 'Logon', 300201],
    ['Sign out', 2, 'Logoff', 300202],
  ])('maps %s to Authentication 3002 with activity %i %s', (type, activityId, activityName, typeUid) => {
    const e = located(activity(type));
    const record = ocsf.format(e);
    expect(record).toMatchObject({
      class_uid: 3002,
      class_name: 'Authentication',
      category_uid: 3,
      activity_id: activityId,
      activity_name: activityName,
      type_uid: typeUid,
      time: e.eventTimeMs,
      severity_id: 1,
      metadata: { version: '1.1.0', uid: e.rowId, product: { name: 'Zoom', vendor_name: 'Zoom' } },
      user: { email_addr: e.event.email },
      src_endpoint: { ip: e.event.ip_address, location: { country: 'DE', city: 'Frankfurt', lat: 50.11, long: 8.68 }, autonomous_system: { number: 3320 } },
    });
    expect(record.unmapped).toMatchObject({ client_type: e.event.client_type });
    expect(record.unmapped).not.toHaveProperty('email');
    expect(JSON.stringify(record.unmapped)).not.toContain('p_');
  });

  it('leaves the location out when the enrichment has none', () => {
    const record = ocsf.format(activity('Sign in'));
    expect(record.src_endpoint).toEqual({ ip: activity('Sign in').event.ip_address });
  });

  it.each([
    ['User', 'Add', 3001, 1, 'Create'],
    ['User', 'Update', 3001, 99, 'Update'],
    ['Role', 'Update', 3001, 99, 'Update'],
    ['Account', 'Update', 3004, 3, 'Update'],
    ['Recording', 'Delete', 3004, 4, 'Delete'],
    ['User Group', 'Add', 3004, 1, 'Create'],
  ])('maps operation %s %s to class %i, activity %i %s', (category, action, classUid, activityId, activityName) => {
    const e = operation(category, action);
    const record = ocsf.format(e);
    expect(record).toMatchObject({
      class_uid: classUid,
      category_uid: 3,
      activity_id: activityId,
      activity_name: activityName,
      type_uid: classUid * 100 + activityId,
      time: e.eventTimeMs,
    });
    expect(record).toMatchObject({ actor: { user: { email_addr: e.event.operator } }, message: e.event.operation_detail });
    if (classUid === 3004) expect(record.entity).toMatchObject({ name: category, data: { operation_detail: e.event.operation_detail } });
    if (category === 'User' && action === 'Add') expect((record.user as { email_addr?: string }).email_addr).toMatch(/@/);
  });
});

describe('ecs format', () => {
  const ecs = formatFor('ecs');
  it('maps a located sign-in', () => {
    const e = located(activity('Sign in'));
    expect(ecs.format(e)).toMatchObject({
      '@timestamp': new Date(e.eventTimeMs).toISOString(),
      event: { kind: 'event', category: ['authentication', 'session'], type: ['start'], action: 'sign-in', outcome: 'success', id: e.rowId, dataset: 'zoom.activity' },
      user: { email: e.event.email },
      source: {
        ip: e.event.ip_address,
        geo: { country_iso_code: 'DE', country_name: 'Germany', city_name: 'Frankfurt', location: { lat: 50.11, lon: 8.68 } },
        as: { number: 3320 },
      },
    });
  });

  it('maps a sign-out and operations', () => {
    expect(ecs.format(activity('Sign out'))).toMatchObject({ event: { type: ['end'], action: 'sign-out' } });
    const user = operation('User', 'Add');
    expect(ecs.format(user)).toMatchObject({
      event: { category: ['iam'], type: ['creation'], action: 'user-add', dataset: 'zoom.operation' },
      user: { email: user.event.operator },
      message: user.event.operation_detail,
    });
    expect(ecs.format(operation('Account', 'Update'))).toMatchObject({ event: { category: ['configuration'], type: ['change'], action: 'account-update' } });
    expect(ecs.format(operation('User Settings', 'Update'))).toMatchObject({ event: { category: ['configuration'], action: 'user-settings-update' } });
    expect(ecs.format(operation('Recording', 'Delete'))).toMatchObject({ event: { type: ['deletion'], action: 'recording-delete' } });
  });
});
