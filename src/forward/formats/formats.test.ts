import { describe, expect, it } from 'vitest';
import { normalizerFor } from '../../normalize/log-type-registry.js';
import type { StoredEvent } from '../../store/store.js';
import type { LogType } from '../../zoom/report-records.js';
import { generateDay } from '../../zoom-sim/record-generator.js';
import { coverageDigest, coverageRecordFields, coverageRecordId, type CoverageRecord } from '../../domain/coverage-digest.js';
import { logTypeValue, recordDay, recordFieldsOf, valueAt } from '../record-day.js';
import { formatFor } from './format-registry.js';
import { ocsfProblems } from './ocsf-classes.test-support.js';

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
      metadata: { version: '1.2.0', uid: e.rowId, product: { name: 'Zoom', vendor_name: 'Zoom' } },
      service: { name: 'Zoom' },
      user: { email_addr: e.event.email },
      src_endpoint: {
        ip: e.event.ip_address,
        location: { country: 'DE', city: 'Frankfurt', lat: 50.11, long: 8.68 },
        autonomous_system: { number: 3320, name: 'Deutsche Telekom AG' },
      },
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

/** A Zoomtrail.Audit event as the audit trail stores it (src/app/audit-events.ts). */
const auditEvent = (i: number, fields: Record<string, unknown>): StoredEvent =>
  stored('Zoomtrail.Audit', { id: `aud-${i}`, time: '2026-01-05T10:00:00Z', actor: 'alice', actor_kind: 'user', outcome: 'ok', status: 200, ...fields }, 1000 + i);
const AUDIT = {
  login: auditEvent(1, { action: 'auth.login', object_type: 'users', object_id: 'u-1', address: '198.51.100.7' }),
  failedLogin: auditEvent(2, { action: 'auth.login', actor: 'mallory', actor_kind: 'anonymous', outcome: 'failed', status: 401, address: '198.51.100.8' }),
  logout: auditEvent(3, { action: 'auth.logout', object_type: 'users', address: '198.51.100.7' }),
  update: auditEvent(4, {
    action: 'sources.update',
    object_type: 'sources',
    object_id: 'src-9',
    address: '198.51.100.7',
    changed_fields: ['clientSecret'],
    before: { label: 'A' },
    after: { label: 'B' },
    change: { clientSecret: '[MASKED]' },
  }),
  cliCreate: auditEvent(5, { action: 'sinks.create', actor: 'root', actor_kind: 'cli', status: 0, object_type: 'sinks', object_id: 'snk-1' }),
  tokenDelete: auditEvent(6, { action: 'tokens.delete', object_type: 'tokens', object_id: 'tok-1', address: '198.51.100.7' }),
  check: auditEvent(7, { action: 'sources.check', object_type: 'sources', object_id: 'src-9', address: '198.51.100.7', outcome: 'failed', status: 502 }),
};

const coverageRecord: CoverageRecord = {
  id: coverageRecordId('src-1', 'Zoom.Activity', '2026-01-05', 2),
  sourceId: 'src-1',
  logType: 'Zoom.Activity',
  day: '2026-01-05',
  version: 2,
  state: 'complete',
  eventCount: 3,
  records: 4,
  lateRecords: 1,
  digest: coverageDigest(['r3', 'r1', 'r2']),
  createdAt: Date.parse('2026-01-06T02:00:00Z'),
};

describe('ocsf records against the OCSF 1.2.0 class definitions', () => {
  const ocsf = formatFor('ocsf');
  it('every sign-in, sign-out and operation of a simulated day, located or not, has what its class requires', () => {
    const events = [...day.activities.map((raw, i) => stored('Zoom.Activity', raw, i)), ...day.operations.map((raw, i) => stored('Zoom.Operation', raw, 10_000 + i))];
    const problems = new Set<string>();
    for (const e of [...events, ...events.slice(0, 50).map(located)]) for (const p of ocsfProblems(ocsf.format(e))) problems.add(`${e.logType}: ${p}`);
    expect([...problems]).toEqual([]);
  });

  it('every audit event and the coverage record too', () => {
    for (const e of Object.values(AUDIT)) expect(ocsfProblems(ocsf.format(e)), String(e.event.action)).toEqual([]);
    expect(ocsfProblems(ocsf.formatCoverage(coverageRecord))).toEqual([]);
  });

  it('the check itself catches what a class forbids or lacks', () => {
    const record = ocsf.format(located(activity('Sign in')));
    expect(ocsfProblems({ ...record, service: undefined })).toEqual(['Authentication needs one of service, dst_endpoint']);
    expect(ocsfProblems({ ...record, p_log_type: 'Zoom.Activity', type_uid: 300299 })).toEqual([
      'type_uid 300299 is not class_uid * 100 + activity_id',
      'p_log_type is not an attribute of Authentication',
    ]);
    const entity = ocsf.format(operation('Account', 'Update'));
    expect(ocsfProblems({ ...entity, metadata: { ...(entity.metadata as object), profiles: undefined } })).toEqual(['actor is not an attribute of Entity Management']);
    expect(ocsfProblems({ ...entity, entity: { type: 'x' } })).toEqual(['entity needs one of name, uid (managed_entity)']);
  });
});

describe('Zoomtrail.Audit in ocsf', () => {
  const ocsf = formatFor('ocsf');
  it('maps sign-ins and sign-outs to Authentication, with the outcome as status', () => {
    expect(ocsf.format(AUDIT.login)).toMatchObject({
      class_uid: 3002,
      activity_id: 1,
      status_id: 1,
      user: { name: 'alice', uid: 'u-1' },
      service: { name: 'Zoomtrail' },
      src_endpoint: { ip: '198.51.100.7' },
      metadata: { product: { name: 'Zoomtrail' }, log_name: 'Zoomtrail.Audit', uid: AUDIT.login.rowId },
    });
    expect(ocsf.format(AUDIT.failedLogin)).toMatchObject({ class_uid: 3002, activity_id: 1, status_id: 2, status: 'Failure', status_code: '401', user: { name: 'mallory' } });
    expect(ocsf.format(AUDIT.logout)).toMatchObject({ class_uid: 3002, activity_id: 2, activity_name: 'Logoff', type_uid: 300202 });
  });

  it.each([
    ['update', 3, 'Update'],
    ['cliCreate', 1, 'Create'],
    ['tokenDelete', 4, 'Delete'],
    ['check', 99, 'sources.check'],
  ] as const)('maps %s to API Activity 6003 with activity %i %s', (key, activityId, activityName) => {
    const e = AUDIT[key];
    expect(ocsf.format(e)).toMatchObject({
      category_uid: 6,
      class_uid: 6003,
      activity_id: activityId,
      activity_name: activityName,
      type_uid: 600300 + activityId,
      actor: { user: { name: e.event.actor } },
      api: { operation: e.event.action, request: { uid: e.event.id } },
      resources: [{ type: e.event.object_type, uid: e.event.object_id }],
    });
  });

  it('keeps the change in unmapped, the failure as status, and names the endpoint of a server command', () => {
    expect(ocsf.format(AUDIT.update)).toMatchObject({ unmapped: { actor_kind: 'user', changed_fields: ['clientSecret'], before: { label: 'A' }, after: { label: 'B' } } });
    expect(ocsf.format(AUDIT.check)).toMatchObject({ status_id: 2, status_code: '502', api: { response: { code: 502 } } });
    const cli = ocsf.format(AUDIT.cliCreate);
    expect(cli.src_endpoint).toEqual({ name: 'cli' });
    expect(cli).not.toHaveProperty('status_code');
  });
});

describe('Zoomtrail.Audit in ecs', () => {
  const ecs = formatFor('ecs');
  it('maps sign-ins as authentication and other actions as iam or configuration, with the outcome', () => {
    expect(ecs.format(AUDIT.failedLogin)).toMatchObject({
      event: {
        kind: 'event',
        category: ['authentication', 'session'],
        type: ['start'],
        action: 'auth.login',
        outcome: 'failure',
        dataset: 'zoomtrail.audit',
        provider: 'zoomtrail',
      },
      user: { name: 'mallory' },
      source: { ip: '198.51.100.8' },
      http: { response: { status_code: 401 } },
    });
    expect(ecs.format(AUDIT.logout)).toMatchObject({ event: { category: ['authentication', 'session'], type: ['end'], outcome: 'success' } });
    expect(ecs.format(AUDIT.update)).toMatchObject({
      event: { category: ['configuration'], type: ['change'], action: 'sources.update', id: AUDIT.update.rowId },
      zoomtrail: { audit: { object_type: 'sources', object_id: 'src-9', before: '{"label":"A"}', after: '{"label":"B"}', changed_fields: ['clientSecret'] } },
    });
    expect(ecs.format(AUDIT.tokenDelete)).toMatchObject({ event: { category: ['iam'], type: ['deletion'] } });
    expect(ecs.format(AUDIT.check)).toMatchObject({ event: { category: ['configuration'], type: ['info'], outcome: 'failure' } });
    expect(ecs.format(AUDIT.cliCreate)).not.toHaveProperty('source');
  });
});

describe('Zoomtrail.Coverage in every format', () => {
  /** Where each format keeps the fields a receiver needs to recompute and compare the digest. */
  const WHERE: Record<string, Record<string, string>> = {
    panther: { id: 'p_row_id', source: 'source_id', stream: 'stream', day: 'day', count: 'record_count', digest: 'digest', algorithm: 'digest_algorithm' },
    ocsf: {
      id: 'metadata.uid',
      source: 'unmapped.source_id',
      stream: 'unmapped.stream',
      day: 'unmapped.day',
      count: 'count',
      digest: 'unmapped.digest',
      algorithm: 'unmapped.digest_algorithm',
    },
    ecs: {
      id: 'event.id',
      source: 'labels.source_id',
      stream: 'labels.stream',
      day: 'labels.day',
      count: 'labels.record_count',
      digest: 'labels.digest',
      algorithm: 'labels.digest_algorithm',
    },
  };

  it.each(Object.keys(WHERE))('%s keeps the id, source, stream, day, count and digest', (name) => {
    const record = formatFor(name).formatCoverage(coverageRecord);
    const got = Object.fromEntries(Object.entries(WHERE[name]!).map(([k, path]) => [k, valueAt(record, path)]));
    expect({ ...got, count: Number(got.count) }).toEqual({
      id: coverageRecord.id,
      source: 'src-1',
      stream: 'Zoom.Activity',
      day: '2026-01-05',
      count: 3,
      digest: coverageDigest(['r1', 'r2', 'r3']),
      algorithm: 'sha256-sorted-row-ids-v1',
    });
  });

  it('ocsf: a Base Event over the day, the record in unmapped', () => {
    const record = formatFor('ocsf').formatCoverage(coverageRecord);
    expect(record).toMatchObject({
      class_uid: 0,
      category_uid: 0,
      activity_id: 99,
      activity_name: 'Coverage',
      type_uid: 99,
      time: Date.parse('2026-01-05T00:00:00Z'),
      start_time: Date.parse('2026-01-05T00:00:00Z'),
      end_time: Date.parse('2026-01-06T00:00:00Z') - 1,
      metadata: { log_name: 'Zoomtrail.Coverage', product: { name: 'Zoomtrail', vendor_name: 'Zoomtrail' } },
    });
    const { p_log_type, p_row_id, p_event_time, p_source_id, '@timestamp': timestamp, ...fields } = coverageRecordFields(coverageRecord);
    expect([p_log_type, p_row_id, p_event_time, p_source_id, timestamp].every((v) => v !== undefined)).toBe(true);
    expect(record.unmapped).toEqual(fields);
  });

  it('ecs: a state event of dataset zoomtrail.coverage, the record in labels (keyword strings)', () => {
    const record = formatFor('ecs').formatCoverage(coverageRecord);
    expect(record).toMatchObject({
      '@timestamp': '2026-01-05T00:00:00.000Z',
      event: { kind: 'state', dataset: 'zoomtrail.coverage', id: coverageRecord.id, start: '2026-01-05T00:00:00.000Z', end: '2026-01-05T23:59:59.999Z' },
      labels: { version: '2', records_read: '4', late_records: '1', state: 'complete' },
    });
    expect(Object.values(record.labels as object).every((v) => typeof v === 'string')).toBe(true);
    expect(record.message).toContain(coverageRecord.digest);
  });

  it('panther: the record docs/coverage-digest.md defines', () => {
    expect(formatFor('panther').formatCoverage(coverageRecord)).toEqual(coverageRecordFields(coverageRecord));
  });
});

describe('reading a sink back finds what each format wrote', () => {
  /** Where each format keeps the source: a receiver with several sources recomputes a digest over one source's events. */
  const SOURCE: Record<string, string> = { panther: 'p_source_id', ocsf: 'metadata.tenant_uid', ecs: 'organization.id' };
  it.each(['panther', 'ocsf', 'ecs'])('%s: the row id, log type, source and day of events and coverage records are where record-day.ts and the docs look', (name) => {
    const format = formatFor(name);
    const fields = recordFieldsOf(name);
    const samples: Array<[Record<string, unknown>, string, string, string]> = [
      [format.format(activity('Sign in')), activity('Sign in').rowId, 'Zoom.Activity', '2026-01-05'],
      [format.format(AUDIT.update), AUDIT.update.rowId, 'Zoomtrail.Audit', '2026-01-05'],
      [format.formatCoverage(coverageRecord), coverageRecord.id, 'Zoomtrail.Coverage', '2026-01-05'],
    ];
    for (const [record, rowId, logType, recordDayValue] of samples) {
      expect(valueAt(record, fields.rowId)).toBe(rowId);
      expect(valueAt(record, fields.logType)).toBe(logTypeValue(logType, name));
      expect(recordDay(record, name)).toBe(recordDayValue);
      expect(valueAt(record, SOURCE[name]!)).toBe('src-1');
    }
  });
});
