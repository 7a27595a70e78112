import { describe, expect, it } from 'vitest';
import { BAD_TIME } from '../zoom-sim/malformed-records.js';
import type { LogType } from '../zoom/report-records.js';
import type { DataModel } from './data-models.js';
import { ipLocationOf } from '../domain/ip-location.js';
import { sharedIpLocator, type IpLocator } from './ip-locator.js';
import { DEFAULT_SCHEMA_DIR, loadNormalizers } from './log-type-registry.js';
import type { NormalizeContext, NormalizedEvent, NormalizeResult, Normalizer } from './normalizer.js';
import { parsePantherSchema, type PantherSchema } from './panther-schema.js';
import { compileSchema } from './schema-compiler.js';

const normalizers = loadNormalizers();
const activity = normalizers.get('Zoom.Activity') as Normalizer;
const operation = normalizers.get('Zoom.Operation') as Normalizer;

const context: NormalizeContext = {
  sourceId: 'src-1',
  sourceLabel: 'My Zoom logs',
  rowId: 'row-42',
  parseTimeMs: Date.UTC(2026, 0, 2, 3, 4, 5, 6),
};
const PARSE_TIME = '2026-01-02T03:04:05.006Z';
const T = Date.UTC(2019, 8, 15, 19, 13, 41);

function ok(result: NormalizeResult): NormalizedEvent {
  if (!result.ok) throw new Error(`expected success, got: ${result.problem.reason}`);
  return result.value;
}

function failed(result: NormalizeResult): { reason: string; field: string | null; eventTimeMs: number | null } {
  if (result.ok) throw new Error('expected a classification problem');
  return result.problem;
}

describe('Zoom.Activity normalizer', () => {
  it('normalizes a full sign-in record', () => {
    const raw = {
      email: 'Alice.Smith@Example.com',
      time: '2019-09-15T19:13:41Z',
      type: 'Sign in',
      ip_address: '198.51.100.7',
      client_type: 'Browser',
      version: '5.17.11 (34827)',
    };
    const value = ok(activity.normalize(raw, context));
    expect(value.event).toEqual({
      email: 'Alice.Smith@Example.com',
      time: '2019-09-15T19:13:41.000Z',
      type: 'Sign in',
      ip_address: '198.51.100.7',
      client_type: 'Browser',
      version: '5.17.11 (34827)',
      p_log_type: 'Zoom.Activity',
      p_row_id: 'row-42',
      p_event_time: '2019-09-15T19:13:41.000Z',
      p_parse_time: PARSE_TIME,
      p_source_id: 'src-1',
      p_source_label: 'My Zoom logs',
      p_any_emails: ['alice.smith@example.com'],
      p_any_ip_addresses: ['198.51.100.7'],
      p_udm: { actor_user: 'Alice.Smith@Example.com', source_ip: '198.51.100.7', event_type: 'successful_login' },
    });
    expect(Object.keys(value.event)).toEqual([
      'email',
      'time',
      'type',
      'ip_address',
      'client_type',
      'version',
      'p_log_type',
      'p_row_id',
      'p_event_time',
      'p_parse_time',
      'p_source_id',
      'p_source_label',
      'p_any_emails',
      'p_any_ip_addresses',
      'p_udm',
    ]);
    expect(value.eventTimeMs).toBe(T);
    expect(value.emails).toEqual(['alice.smith@example.com']);
    expect(value.emails).toBe(value.event.p_any_emails);
    expect(value.ipAddresses).toBe(value.event.p_any_ip_addresses);
  });

  it('normalizes a sign-out record without ip_address, client_type or version', () => {
    const value = ok(activity.normalize({ email: 'bob@example.com', time: '2019-09-15T19:13:41Z', type: 'Sign out' }, context));
    expect(Object.keys(value.event)).toEqual([
      'email',
      'time',
      'type',
      'p_log_type',
      'p_row_id',
      'p_event_time',
      'p_parse_time',
      'p_source_id',
      'p_source_label',
      'p_any_emails',
      'p_any_ip_addresses',
      'p_udm',
    ]);
    expect(value.event.p_any_ip_addresses).toEqual([]);
    expect(value.ipAddresses).toEqual([]);
    expect(value.event.p_udm).toEqual({ actor_user: 'bob@example.com', event_type: 'successful_logout' });
  });

  it('drops an optional null, keeps an invalid IP in its field but not in p_any_ip_addresses', () => {
    const nullIp = ok(activity.normalize({ email: 'a@example.com', time: '2019-09-15T19:13:41Z', ip_address: null, version: null }, context));
    expect('ip_address' in nullIp.event).toBe(false);
    expect('version' in nullIp.event).toBe(false);
    const badIp = ok(activity.normalize({ email: 'a@example.com', time: '2019-09-15T19:13:41Z', ip_address: 'unknown' }, context));
    expect(badIp.event.ip_address).toBe('unknown');
    expect(badIp.ipAddresses).toEqual([]);
    expect(badIp.event.p_udm).toEqual({ actor_user: 'a@example.com', source_ip: 'unknown' });
  });

  it('lower-cases IPv6 and emails for the indicators only', () => {
    const value = ok(activity.normalize({ email: ' Carol@EXAMPLE.com', time: '2019-09-15T19:13:41Z', ip_address: '2001:DB8::A' }, context));
    expect(value.event.email).toBe(' Carol@EXAMPLE.com');
    expect(value.event.ip_address).toBe('2001:DB8::A');
    expect(value.emails).toEqual(['carol@example.com']);
    expect(value.ipAddresses).toEqual(['2001:db8::a']);
  });

  it('keeps an invalid email in the event but not in p_any_emails', () => {
    const value = ok(activity.normalize({ email: 'not-an-email', time: '2019-09-15T19:13:41Z' }, context));
    expect(value.event.email).toBe('not-an-email');
    expect(value.emails).toEqual([]);
  });

  it('keeps fields the schema does not list, in received order', () => {
    const value = ok(activity.normalize({ login_type: 100, email: 'a@example.com', extra: { x: [1, null] }, time: '2019-09-15T19:13:41Z', empty: null }, context));
    expect(Object.keys(value.event).slice(0, 5)).toEqual(['login_type', 'email', 'extra', 'time', 'empty']);
    expect(value.event.login_type).toBe(100);
    expect(value.event.extra).toEqual({ x: [1, null] });
    expect(value.event.empty).toBeNull();
  });

  it('reads offsets and the space-separated form, writing UTC with milliseconds', () => {
    const offset = ok(activity.normalize({ email: 'a@example.com', time: '2019-09-15T21:13:41.25+02:00' }, context));
    expect(offset.event.time).toBe('2019-09-15T19:13:41.250Z');
    expect(offset.event.p_event_time).toBe('2019-09-15T19:13:41.250Z');
    expect(offset.eventTimeMs).toBe(T + 250);
    const spaced = ok(activity.normalize({ email: 'a@example.com', time: '2019-09-15 19:13:41' }, context));
    expect(spaced.event.time).toBe('2019-09-15T19:13:41.000Z');
  });

  it('does not modify its input', () => {
    const raw = { email: 'A@Example.com', time: '2019-09-15T19:13:41Z', ip_address: null };
    const copy = structuredClone(raw);
    ok(activity.normalize(raw, context));
    expect(raw).toEqual(copy);
  });

  it('keeps a "__proto__" key as plain data', () => {
    const raw = JSON.parse('{"email":"a@example.com","time":"2019-09-15T19:13:41Z","__proto__":{"polluted":true}}') as unknown;
    const value = ok(activity.normalize(raw, context));
    expect(Object.getPrototypeOf(value.event)).toBe(Object.prototype);
    expect((value.event as { polluted?: unknown }).polluted).toBeUndefined();
    expect(Object.keys(value.event)).toContain('__proto__');
  });
});

describe('Zoom.Operation normalizer', () => {
  it('keeps operation_detail exactly, trailing space included', () => {
    const raw = {
      time: '2024-03-01T08:00:05Z',
      operator: 'Admin@Example.com',
      category_type: 'User',
      action: 'Update',
      operation_detail: 'Change Role  - someone@example.com: from Member to Admin ',
    };
    const value = ok(operation.normalize(raw, context));
    expect(value.event).toEqual({
      time: '2024-03-01T08:00:05.000Z',
      operator: 'Admin@Example.com',
      category_type: 'User',
      action: 'Update',
      operation_detail: 'Change Role  - someone@example.com: from Member to Admin ',
      p_log_type: 'Zoom.Operation',
      p_row_id: 'row-42',
      p_event_time: '2024-03-01T08:00:05.000Z',
      p_parse_time: PARSE_TIME,
      p_source_id: 'src-1',
      p_source_label: 'My Zoom logs',
      p_any_emails: ['admin@example.com'],
      p_any_ip_addresses: [],
      p_udm: {
        actor_user: 'Admin@Example.com',
        event_type: 'admin_role_assigned',
        detail_kind: 'role_change',
        target_user: 'someone@example.com',
        changes: [{ name: 'Role', from: 'Member', to: 'Admin' }],
      },
    });
    expect(value.event.operation_detail).toBe('Change Role  - someone@example.com: from Member to Admin ');
    expect(value.eventTimeMs).toBe(Date.UTC(2024, 2, 1, 8, 0, 5));
  });

  it('normalizes an account settings change with no event_type', () => {
    const value = ok(
      operation.normalize(
        {
          time: '2024-03-01T08:00:05Z',
          operator: 'owner@example.com',
          category_type: 'Account',
          action: 'Update',
          operation_detail: 'Security  - Sign in with Two-Factor Authentication: from On to Off',
        },
        context,
      ),
    );
    expect(value.event.p_udm).toEqual({
      actor_user: 'owner@example.com',
      detail_kind: 'settings',
      section: 'Security',
      changes: [{ name: 'Sign in with Two-Factor Authentication', from: 'On', to: 'Off' }],
    });
  });

  it('accepts a record without action and operation_detail', () => {
    const value = ok(operation.normalize({ time: '2024-03-01T08:00:05Z', operator: 'o@example.com', category_type: 'Role' }, context));
    expect(value.event.p_udm).toEqual({ actor_user: 'o@example.com' });
  });
});

describe('classification problems', () => {
  const validActivity = { email: 'a@example.com', time: '2019-09-15T19:13:41Z', type: 'Sign in', ip_address: '198.51.100.7' };
  const validOperation = {
    time: '2019-09-15T19:13:41Z',
    operator: 'admin@example.com',
    category_type: 'Account',
    action: 'Update',
    operation_detail: 'Meeting  - Join before host: from Off to On ',
  };

  it.each<[string, Normalizer, unknown, string, string | null, number | null]>([
    ['null', activity, null, 'record is not a JSON object (got null)', null, null],
    ['an array', activity, ['a@example.com', '2019-09-15T19:13:41Z'], 'record is not a JSON object (got array)', null, null],
    ['a string', operation, 'a,b,c', 'record is not a JSON object (got string)', null, null],
    ['a number', operation, 42, 'record is not a JSON object (got number)', null, null],
    ['a boolean', operation, true, 'record is not a JSON object (got boolean)', null, null],
    ['missing email', activity, { ...validActivity, email: undefined }, 'missing required field "email"', 'email', T],
    ['null email', activity, { ...validActivity, email: null }, 'missing required field "email"', 'email', T],
    ['empty email', activity, { ...validActivity, email: '' }, 'missing required field "email"', 'email', T],
    ['missing time', activity, { ...validActivity, time: undefined }, 'missing required field "time"', 'time', null],
    ['missing operator', operation, { ...validOperation, operator: undefined }, 'missing required field "operator"', 'operator', T],
    ['null category_type', operation, { ...validOperation, category_type: null }, 'missing required field "category_type"', 'category_type', T],
    ['numeric email', activity, { ...validActivity, email: 12345 }, 'field "email": expected string, got number', 'email', T],
    ['boolean type', activity, { ...validActivity, type: true }, 'field "type": expected string, got boolean', 'type', T],
    ['array ip_address', activity, { ...validActivity, ip_address: ['198.51.100.7'] }, 'field "ip_address": expected string, got array', 'ip_address', T],
    ['object category_type', operation, { ...validOperation, category_type: { name: 'Account', id: 3 } }, 'field "category_type": expected string, got object', 'category_type', T],
    ['unreadable time', activity, { ...validActivity, time: 'abc' }, 'field "time": cannot read "abc" as an rfc3339 timestamp', 'time', null],
    ['impossible date', operation, { ...validOperation, time: '2026-02-30T10:00:00Z' }, 'field "time": cannot read "2026-02-30T10:00:00Z" as an rfc3339 timestamp', 'time', null],
    ['hour 25', activity, { ...validActivity, time: '2026-01-01T25:00:00Z' }, 'field "time": cannot read "2026-01-01T25:00:00Z" as an rfc3339 timestamp', 'time', null],
    ["the simulator's bad time", operation, { ...validOperation, time: BAD_TIME }, `field "time": cannot read "${BAD_TIME}" as an rfc3339 timestamp`, 'time', null],
    ['numeric time', activity, { ...validActivity, time: 1_568_574_821 }, 'field "time": cannot read 1568574821 as an rfc3339 timestamp', 'time', null],
    ['empty time', activity, { ...validActivity, time: '' }, 'missing required field "time"', 'time', null],
    [
      'reserved p_ key',
      activity,
      { ...validActivity, p_any_emails: ['spoofed@example.com'] },
      'field "p_any_emails": names starting with "p_" are reserved for standard fields',
      'p_any_emails',
      T,
    ],
  ])('%s', (_, normalizer, raw, reason, field, eventTimeMs) => {
    expect(failed(normalizer.normalize(raw, context))).toEqual({ reason, field, eventTimeMs });
  });

  it('reports the first problem in schema field order', () => {
    // email comes before time in the schema; both are wrong.
    expect(failed(activity.normalize({ time: 'abc', type: 5 }, context))).toEqual({
      reason: 'missing required field "email"',
      field: 'email',
      eventTimeMs: null,
    });
    expect(failed(operation.normalize({ category_type: 7, operator: 8, time: '2019-09-15T19:13:41Z' }, context))).toEqual({
      reason: 'field "operator": expected string, got number',
      field: 'operator',
      eventTimeMs: T,
    });
  });

  it('shortens a huge value in the reason', () => {
    const problem = failed(activity.normalize({ ...validActivity, time: 'x'.repeat(1_000_000) }, context));
    expect(problem.reason).toBe(`field "time": cannot read "${'x'.repeat(60)}…" as an rfc3339 timestamp`);
  });

  it('stores a schema-valid huge string unchanged', () => {
    const huge = 'Windows '.repeat(125_000);
    const value = ok(activity.normalize({ ...validActivity, client_type: huge }, context));
    expect(value.event.client_type).toBe(huge);
  });
});

const CUSTOM = `schema: Test.Everything
fields:
  - name: id
    type: bigint
    required: true
  - name: count
    type: int
  - name: ratio
    type: float
  - name: enabled
    type: boolean
  - name: at
    type: timestamp
    timeFormat: unix
  - name: at_ms
    type: timestamp
    timeFormat: unix_ms
  - name: actor
    type: object
    fields:
      - name: name
        type: string
        required: true
        indicators: [username]
      - name: emails
        type: array
        element:
          type: string
          indicators: [email]
  - name: tags
    type: array
    element:
      type: object
      fields:
        - name: key
          type: string
          required: true
        - name: weight
          type: int
  - name: link
    type: string
    indicators: [url]
  - name: host
    type: string
    indicators: [hostname]
  - name: blob
    type: json
`;

const echoModel: DataModel = (event) => ({ id: event.id });

describe('compiled custom schema: every type', () => {
  const schema = parsePantherSchema(CUSTOM, 'custom.yml');
  // The registry only knows Zoom log types; the compiler does not care which one it is told.
  const custom = compileSchema(schema, 'Test.Everything' as LogType, echoModel);

  it('converts every type and gathers every indicator', () => {
    const raw = {
      id: '9007199254740991',
      count: '-12',
      ratio: '2.5e-1',
      enabled: 'false',
      at: '1568574821.5',
      at_ms: 1_568_574_821_123,
      actor: { name: ' jdoe ', emails: ['B@example.com', null, 'a@example.com', 'b@EXAMPLE.com'], role: 'admin' },
      tags: [{ key: 'k1', weight: '3' }, { key: 'k2' }],
      link: 'https://Zoom.US/j/123',
      host: 'web-1',
      blob: { anything: [1, 'two', null] },
      extra: 'kept',
    };
    const value = ok(custom.normalize(raw, context));
    expect(value.event).toEqual({
      id: 9_007_199_254_740_991,
      count: -12,
      ratio: 0.25,
      enabled: false,
      at: '2019-09-15T19:13:41.500Z',
      at_ms: '2019-09-15T19:13:41.123Z',
      actor: { name: ' jdoe ', emails: ['B@example.com', null, 'a@example.com', 'b@EXAMPLE.com'], role: 'admin' },
      tags: [{ key: 'k1', weight: 3 }, { key: 'k2' }],
      link: 'https://Zoom.US/j/123',
      host: 'web-1',
      blob: { anything: [1, 'two', null] },
      extra: 'kept',
      p_log_type: 'Test.Everything',
      p_row_id: 'row-42',
      p_event_time: PARSE_TIME,
      p_parse_time: PARSE_TIME,
      p_source_id: 'src-1',
      p_source_label: 'My Zoom logs',
      p_any_emails: ['a@example.com', 'b@example.com'],
      p_any_ip_addresses: [],
      p_any_domain_names: ['zoom.us'],
      p_any_hostnames: ['web-1'],
      p_any_usernames: ['jdoe'],
      p_udm: { id: 9_007_199_254_740_991 },
    });
    // No isEventTime field: the parse time is the event time.
    expect(value.eventTimeMs).toBe(context.parseTimeMs);
    expect(Object.keys(value.event).slice(-6)).toEqual(['p_any_emails', 'p_any_ip_addresses', 'p_any_domain_names', 'p_any_hostnames', 'p_any_usernames', 'p_udm']);
  });

  it('leaves out empty optional p_any fields and empty-text typed fields', () => {
    const value = ok(custom.normalize({ id: 1, count: '', at: '', host: '   ', link: 'not a url', enabled: true }, context));
    expect(value.event).toEqual({
      id: 1,
      enabled: true,
      host: '   ',
      link: 'not a url',
      p_log_type: 'Test.Everything',
      p_row_id: 'row-42',
      p_event_time: PARSE_TIME,
      p_parse_time: PARSE_TIME,
      p_source_id: 'src-1',
      p_source_label: 'My Zoom logs',
      p_any_emails: [],
      p_any_ip_addresses: [],
      p_udm: { id: 1 },
    });
  });

  it.each<[string, Record<string, unknown>, string, string]>([
    ['bigint with a fraction', { id: 1.5 }, 'field "id": cannot read 1.5 as bigint', 'id'],
    ['bigint beyond 2^53', { id: '9007199254740993' }, 'field "id": cannot read "9007199254740993" as bigint (out of range)', 'id'],
    ['bigint as words', { id: 'twelve' }, 'field "id": cannot read "twelve" as bigint', 'id'],
    ['bigint as boolean', { id: false }, 'field "id": expected bigint, got boolean', 'id'],
    ['int beyond 32 bits', { id: 1, count: 2_147_483_648 }, 'field "count": cannot read 2147483648 as int (out of range)', 'count'],
    ['int with a plus sign', { id: 1, count: '+3' }, 'field "count": cannot read "+3" as int', 'count'],
    ['float as words', { id: 1, ratio: 'half' }, 'field "ratio": cannot read "half" as float', 'ratio'],
    ['float as object', { id: 1, ratio: {} }, 'field "ratio": expected float, got object', 'ratio'],
    ['boolean as "yes"', { id: 1, enabled: 'yes' }, 'field "enabled": cannot read "yes" as boolean', 'enabled'],
    ['boolean as 1', { id: 1, enabled: 1 }, 'field "enabled": expected boolean, got number', 'enabled'],
    ['unix time as words', { id: 1, at: 'soon' }, 'field "at": cannot read "soon" as a unix timestamp', 'at'],
    ['unix_ms time as boolean', { id: 1, at_ms: true }, 'field "at_ms": cannot read true as a unix_ms timestamp', 'at_ms'],
    ['object as string', { id: 1, actor: 'jdoe' }, 'field "actor": expected object, got string', 'actor'],
    ['nested required missing', { id: 1, actor: { emails: [] } }, 'missing required field "actor.name"', 'actor.name'],
    ['nested wrong type', { id: 1, actor: { name: 5 } }, 'field "actor.name": expected string, got number', 'actor.name'],
    ['array as object', { id: 1, actor: { name: 'x', emails: {} } }, 'field "actor.emails": expected array, got object', 'actor.emails'],
    ['array element wrong', { id: 1, actor: { name: 'x', emails: ['a@b.c', 'd@e.f', 7] } }, 'field "actor.emails[2]": expected string, got number', 'actor.emails[2]'],
    ['object in array wrong', { id: 1, tags: [{ key: 'a' }, { key: 'b', weight: 'heavy' }] }, 'field "tags[1].weight": cannot read "heavy" as int', 'tags[1].weight'],
    ['object in array missing', { id: 1, tags: [{ weight: 1 }] }, 'missing required field "tags[0].key"', 'tags[0].key'],
    ['required bigint empty', { id: '' }, 'missing required field "id"', 'id'],
  ])('%s', (_, raw, reason, field) => {
    expect(failed(custom.normalize(raw, context))).toEqual({ reason, field, eventTimeMs: context.parseTimeMs });
  });

  it('refuses to compile an unknown timeFormat or type', () => {
    const badTime = { schema: 'X', fields: [{ name: 't', type: 'timestamp', timeFormat: 'iso' }] } as unknown as PantherSchema;
    expect(() => compileSchema(badTime, 'Zoom.Activity', echoModel)).toThrow('unknown timeFormat "iso"');
    const badType = { schema: 'X', fields: [{ name: 't', type: 'date' }] } as unknown as PantherSchema;
    expect(() => compileSchema(badType, 'Zoom.Activity', echoModel)).toThrow('unknown field type "date"');
  });

  it('refuses two event-time fields in a hand-built schema', () => {
    const two = {
      schema: 'X',
      fields: [
        { name: 'a', type: 'timestamp', timeFormat: 'unix', isEventTime: true },
        { name: 'b', type: 'timestamp', timeFormat: 'unix', isEventTime: true },
      ],
    } as PantherSchema;
    expect(() => compileSchema(two, 'Zoom.Activity', echoModel)).toThrow('more than one isEventTime field');
  });
});

describe('IP enrichment: p_enrichment.ip_location.<field path>', () => {
  const seen: string[] = [];
  const fake: IpLocator = {
    locate: (ip) => {
      seen.push(ip);
      return ip.startsWith('10.') ? { kind: 'private' } : { kind: 'public', country: 'DE', asn: 3320 };
    },
    databases: () => [],
  };
  const enriched = loadNormalizers(DEFAULT_SCHEMA_DIR, fake);
  const signIn = (ip: string | undefined) => ({ email: 'a@example.com', time: '2019-09-15T19:13:41Z', type: 'Sign in', ...(ip === undefined ? {} : { ip_address: ip }) });

  it('a sign-in gets the location of its ip_address (normalized address looked up)', () => {
    seen.length = 0;
    const event = ok((enriched.get('Zoom.Activity') as Normalizer).normalize(signIn(' 2003:0:0::1 '), context)).event;
    expect(event.p_enrichment).toEqual({ ip_location: { ip_address: { kind: 'public', country: 'DE', asn: 3320 } } });
    expect(seen).toEqual(['2003:0:0::1']);
  });

  it('a private address is stored with its kind only', () => {
    const event = ok((enriched.get('Zoom.Activity') as Normalizer).normalize(signIn('10.0.0.1'), context)).event;
    expect(event.p_enrichment).toEqual({ ip_location: { ip_address: { kind: 'private' } } });
  });

  it('no address, or not a valid one: no p_enrichment', () => {
    expect(ok((enriched.get('Zoom.Activity') as Normalizer).normalize(signIn(undefined), context)).event).not.toHaveProperty('p_enrichment');
    expect(ok((enriched.get('Zoom.Activity') as Normalizer).normalize(signIn('not-an-ip'), context)).event).not.toHaveProperty('p_enrichment');
  });

  it('without a locator nothing is enriched', () => {
    expect(ok(activity.normalize(signIn('84.150.1.1'), context)).event).not.toHaveProperty('p_enrichment');
  });

  it('each event gets its own copy of a location', () => {
    const a = ok((enriched.get('Zoom.Activity') as Normalizer).normalize(signIn('84.150.1.1'), context)).event;
    const b = ok((enriched.get('Zoom.Activity') as Normalizer).normalize(signIn('84.150.1.1'), context)).event;
    expect(ipLocationOf(a, 'ip_address')).not.toBe(ipLocationOf(b, 'ip_address'));
  });

  it('fields inside objects are keyed by their dotted path', () => {
    const nested = parsePantherSchema(
      `schema: Test.Nested
fields:
  - name: client
    type: object
    fields:
      - name: addr
        type: string
        indicators: [ip]
  - name: peer
    type: string
    indicators: [ip]
`,
      'nested.yml',
    );
    const normalizer = compileSchema(nested, 'Test.Nested' as LogType, echoModel, fake);
    const event = ok(normalizer.normalize({ client: { addr: '84.150.1.1' }, peer: '10.1.1.1' }, context)).event;
    expect(event.p_enrichment).toEqual({ ip_location: { 'client.addr': { kind: 'public', country: 'DE', asn: 3320 }, peer: { kind: 'private' } } });
  });

  it('with the packaged databases, a Deutsche Telekom sign-in is in Germany, AS3320', () => {
    const real = loadNormalizers(DEFAULT_SCHEMA_DIR, sharedIpLocator());
    const event = ok((real.get('Zoom.Activity') as Normalizer).normalize(signIn('84.150.1.1'), context)).event;
    expect(ipLocationOf(event, 'ip_address')).toMatchObject({ kind: 'public', country: 'DE', asn: 3320 });
  });
});
