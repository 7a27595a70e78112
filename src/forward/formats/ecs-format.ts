import { COVERAGE_LOG_TYPE, coverageRecordFields, type CoverageRecord } from '../../domain/coverage-digest.js';
import type { IpLocation } from '../../domain/ip-location.js';
import type { StoredEvent } from '../../store/store.js';
import type { EventFormat } from './event-format.js';
import { compact, coverageDayRange, coverageMessage, ipLocation, text, unmappedFields } from './event-fields.js';

/** The ECS version the records follow. */
export const ECS_VERSION = '8.11.0';

/**
 * Elastic Common Schema. The mapping tables are in docs/forwarding-formats.md
 * (a test checks them against this code).
 */
export const ecsFormat: EventFormat = {
  name: 'ecs',
  description: `Elastic Common Schema ${ECS_VERSION} (@timestamp, event.*, user.*, source.ip, source.geo.*)`,
  format: (stored) => (stored.logType === 'Zoom.Activity' ? activity(stored) : stored.logType === 'Zoomtrail.Audit' ? audit(stored) : operation(stored)),
  formatCoverage: coverage,
};

const IAM_CATEGORIES = new Set(['user', 'role', 'user group']);

function event(stored: StoredEvent, fields: { category: string[]; type: string[]; action: string; outcome?: string }): Record<string, unknown> {
  const vendor = stored.logType.startsWith('Zoomtrail.') ? 'zoomtrail' : 'zoom';
  return {
    kind: 'event',
    category: fields.category,
    type: fields.type,
    action: fields.action,
    outcome: fields.outcome ?? 'success',
    id: stored.rowId,
    dataset: stored.logType.toLowerCase(),
    provider: vendor,
    module: vendor,
  };
}

function activity(stored: StoredEvent): Record<string, unknown> {
  const e = stored.event;
  const signOut = text(e, 'type') === 'Sign out';
  const email = text(e, 'email');
  const ip = text(e, 'ip_address');
  const location = ipLocation(e, 'ip_address');
  return compact({
    '@timestamp': new Date(stored.eventTimeMs).toISOString(),
    ecs: { version: ECS_VERSION },
    event: event(stored, { category: ['authentication', 'session'], type: [signOut ? 'end' : 'start'], action: signOut ? 'sign-out' : 'sign-in' }),
    organization: organization(stored),
    user: compact({ email, name: email }),
    source: source(ip, location),
    zoom: unmappedFields(e, ['email', 'ip_address', 'time']),
  });
}

function operation(stored: StoredEvent): Record<string, unknown> {
  const e = stored.event;
  const category = text(e, 'category_type') ?? '';
  const action = text(e, 'action') ?? '';
  const operator = text(e, 'operator');
  const type = action === 'Add' ? 'creation' : action === 'Delete' ? 'deletion' : 'change';
  const slug = `${category}-${action}`.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  return compact({
    '@timestamp': new Date(stored.eventTimeMs).toISOString(),
    ecs: { version: ECS_VERSION },
    event: event(stored, { category: [IAM_CATEGORIES.has(category.toLowerCase()) ? 'iam' : 'configuration'], type: [type], action: slug }),
    organization: organization(stored),
    user: compact({ email: operator, name: operator }),
    message: text(e, 'operation_detail'),
    zoom: unmappedFields(e, ['time', 'operator']),
  });
}

/** The Zoomtrail source (one Zoom account) as the organization: what a receiver selects a day's events by to recompute a coverage digest. */
function organization(stored: StoredEvent): Record<string, unknown> {
  return compact({ id: stored.sourceId, name: text(stored.event, 'p_source_label') });
}

/** `source.*` of an address and its enrichment (ip, geo, as). */
function source(ip: string | undefined, location: IpLocation | undefined): Record<string, unknown> | undefined {
  if (ip === undefined) return undefined;
  return compact({
    ip,
    geo: location
      ? compact({
          country_iso_code: location.country,
          country_name: location.country_name,
          region_name: location.region,
          city_name: location.city,
          location: location.lat === undefined || location.lng === undefined ? undefined : { lat: location.lat, lon: location.lng },
        })
      : undefined,
    as: location?.asn === undefined ? undefined : compact({ number: location.asn, organization: location.org === undefined ? undefined : { name: location.org } }),
  });
}

/** The object types whose changes are identity and access management (the rest are configuration). */
const AUDIT_IAM_OBJECTS = new Set(['users', 'tokens']);
/** `event.type` of an audit action, by its last word (`sources.update` → change). */
const AUDIT_TYPES: Readonly<Record<string, string>> = { create: 'creation', replace: 'change', update: 'change', status: 'change', assign: 'change', delete: 'deletion' };

/**
 * Zoomtrail's own audit trail: sign-ins and sign-outs as authentication,
 * every other action as iam (users, tokens) or configuration. `before`,
 * `after` and `change` go as JSON text: their shapes differ per object type,
 * and as text they never conflict in an index's mapping.
 */
function audit(stored: StoredEvent): Record<string, unknown> {
  const e = stored.event;
  const action = text(e, 'action') ?? '';
  const outcome = text(e, 'outcome') === 'failed' ? 'failure' : 'success';
  const signIn = action === 'auth.login' || action === 'auth.login.failed';
  const fields =
    signIn || action === 'auth.logout'
      ? { category: ['authentication', 'session'], type: [signIn ? 'start' : 'end'], action, outcome }
      : {
          category: [AUDIT_IAM_OBJECTS.has(text(e, 'object_type') ?? '') ? 'iam' : 'configuration'],
          type: [AUDIT_TYPES[action.split('.').pop() ?? ''] ?? 'info'],
          action,
          outcome,
        };
  const status = typeof e.status === 'number' && e.status > 0 ? e.status : undefined;
  const rest = unmappedFields(e, ['time', 'actor', 'address', 'action', 'outcome', 'status']);
  for (const key of ['before', 'after', 'change']) if (rest[key] !== undefined) rest[key] = JSON.stringify(rest[key]);
  return compact({
    '@timestamp': new Date(stored.eventTimeMs).toISOString(),
    ecs: { version: ECS_VERSION },
    event: event(stored, fields),
    organization: organization(stored),
    user: compact({ name: text(e, 'actor') }),
    source: source(text(e, 'address'), ipLocation(e, 'address')),
    http: status === undefined ? undefined : { response: { status_code: status } },
    zoomtrail: { audit: rest },
  });
}

/**
 * A coverage record: `event.kind: state` (the state of a stream's day at a
 * point in time, as ECS defines state events), dataset `zoomtrail.coverage`,
 * the day as `event.start`/`event.end`, and every field of the record
 * (docs/coverage-digest.md) in `labels`, as ECS labels are: keyword strings.
 */
function coverage(record: CoverageRecord): Record<string, unknown> {
  const { startMs, endMs } = coverageDayRange(record);
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(unmappedFields(coverageRecordFields(record), ['@timestamp']))) labels[key] = String(value);
  return {
    '@timestamp': new Date(startMs).toISOString(),
    ecs: { version: ECS_VERSION },
    event: {
      kind: 'state',
      action: 'coverage',
      id: record.id,
      dataset: COVERAGE_LOG_TYPE.toLowerCase(),
      provider: 'zoomtrail',
      module: 'zoomtrail',
      start: new Date(startMs).toISOString(),
      end: new Date(endMs).toISOString(),
      created: new Date(record.createdAt).toISOString(),
    },
    organization: { id: record.sourceId },
    message: coverageMessage(record),
    labels,
  };
}
