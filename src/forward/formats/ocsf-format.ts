import type { IpLocation } from '../../domain/ip-location.js';
import { COVERAGE_LOG_TYPE, coverageRecordFields, type CoverageRecord } from '../../domain/coverage-digest.js';
import type { StoredEvent } from '../../store/store.js';
import type { EventFormat } from './event-format.js';
import { compact, coverageDayRange, coverageMessage, ipLocation, text, unmappedFields } from './event-fields.js';

/** The OCSF schema version the records follow (docs/forwarding-formats.md). */
export const OCSF_VERSION = '1.2.0';
const UNCATEGORIZED = [0, 'Uncategorized'] as const;
const IAM = [3, 'Identity & Access Management'] as const;
const APPLICATION = [6, 'Application Activity'] as const;
const BASE_EVENT = 0;
const ACCOUNT_CHANGE = 3001;
const AUTHENTICATION = 3002;
const ENTITY_MANAGEMENT = 3004;
const API_ACTIVITY = 6003;
const INFORMATIONAL = 1;
const OTHER = 99;

const ZOOM = { name: 'Zoom', vendor_name: 'Zoom' };
const ZOOMTRAIL = { name: 'Zoomtrail', vendor_name: 'Zoomtrail' };

/** Operation categories mapped to Account Change (3001): changes to a user account or its role. */
const ACCOUNT_CATEGORIES = new Set(['user', 'role']);
const EMAIL = /[^\s,;:()<>"']+@[^\s,;:()<>"']+\.[a-z]{2,}/i;
/** Zoomtrail.Audit actions that are sign-ins and sign-outs (Authentication), by activity. */
const AUDIT_AUTHENTICATION: Readonly<Record<string, readonly [number, string]>> = {
  'auth.login': [1, 'Logon'],
  'auth.login.failed': [1, 'Logon'],
  'auth.logout': [2, 'Logoff'],
};
/** The API Activity of a Zoomtrail.Audit action, by its last word (`sources.update` → update). */
const AUDIT_API_VERBS: Readonly<Record<string, readonly [number, string]>> = {
  create: [1, 'Create'],
  replace: [3, 'Update'],
  update: [3, 'Update'],
  status: [3, 'Update'],
  assign: [3, 'Update'],
  delete: [4, 'Delete'],
};

/**
 * OCSF 1.2.0 (https://schema.ocsf.io/1.2.0). The mapping tables, and why each
 * class, are in docs/forwarding-formats.md (a test checks them against this
 * code); every record is checked against the classes' required attributes in
 * ocsf-classes.test-support.ts.
 */
export const ocsfFormat: EventFormat = {
  name: 'ocsf',
  description: `OCSF ${OCSF_VERSION}: sign-in/out as Authentication (3002), user and role changes as Account Change (3001), other operations as Entity Management (3004), Zoomtrail's audit trail as Authentication and API Activity (6003), coverage records as Base Event (0)`,
  format: (stored) => (stored.logType === 'Zoom.Activity' ? authentication(stored) : stored.logType === 'Zoomtrail.Audit' ? audit(stored) : operation(stored)),
  formatCoverage: coverage,
};

/** The class and activity of a record. */
interface Classification {
  category: readonly [number, string];
  classUid: number;
  className: string;
  activity: readonly [number, string];
  failed?: boolean;
  /** OCSF profiles whose attributes the record uses (`host`: `actor` on IAM classes that do not declare it). */
  profiles?: string[];
}

/** Where a record comes from. */
interface Origin {
  time: number;
  uid: string;
  logName: string;
  product: { name: string; vendor_name: string };
  /** The Zoomtrail source (one Zoom account): what a receiver selects a day's events by to recompute a coverage digest. */
  tenant: string;
}

/**
 * A record: the attributes every class has, then `body`'s defined ones.
 * Built by assignment, not by spreading and deleting: the format runs once
 * per event sent, and that is several times faster.
 */
function ocsfRecord(h: Classification, o: Origin, body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {
    category_uid: h.category[0],
    category_name: h.category[1],
    class_uid: h.classUid,
    class_name: h.className,
    activity_id: h.activity[0],
    activity_name: h.activity[1],
    type_uid: h.classUid * 100 + h.activity[0],
    time: o.time,
    severity_id: INFORMATIONAL,
    severity: 'Informational',
    status_id: h.failed ? 2 : 1,
    status: h.failed ? 'Failure' : 'Success',
    metadata: compact({ version: OCSF_VERSION, uid: o.uid, log_name: o.logName, product: o.product, tenant_uid: o.tenant, profiles: h.profiles }),
  };
  for (const key of Object.keys(body)) if (body[key] !== undefined) out[key] = body[key];
  return out;
}

function eventRecord(stored: StoredEvent, h: Classification, body: Record<string, unknown>, product = ZOOM): Record<string, unknown> {
  return ocsfRecord(h, { time: stored.eventTimeMs, uid: stored.rowId, logName: stored.logType, product, tenant: stored.sourceId }, body);
}

/** A network endpoint of an address and its enrichment (OCSF 1.2.0 network_endpoint: location, autonomous_system); none without an address. */
function endpoint(ip: string | undefined, location: IpLocation | undefined): Record<string, unknown> | undefined {
  if (ip === undefined) return undefined;
  return compact({
    ip,
    location: location ? compact({ country: location.country, region: location.region, city: location.city, lat: location.lat, long: location.lng }) : undefined,
    autonomous_system: location?.asn === undefined ? undefined : compact({ number: location.asn, name: location.org }),
  });
}

function authentication(stored: StoredEvent): Record<string, unknown> {
  const e = stored.event;
  const logoff = text(e, 'type') === 'Sign out';
  const email = text(e, 'email');
  return eventRecord(
    stored,
    { category: IAM, classUid: AUTHENTICATION, className: 'Authentication', activity: logoff ? [2, 'Logoff'] : [1, 'Logon'] },
    {
      user: compact({ email_addr: email, name: email }),
      service: { name: 'Zoom' },
      src_endpoint: endpoint(text(e, 'ip_address'), ipLocation(e, 'ip_address')),
      unmapped: unmappedFields(e, ['email', 'ip_address', 'time', 'type']),
    },
  );
}

function operation(stored: StoredEvent): Record<string, unknown> {
  const e = stored.event;
  const category = text(e, 'category_type') ?? '';
  const action = text(e, 'action') ?? '';
  const detail = text(e, 'operation_detail');
  const operator = text(e, 'operator');
  const actor = { user: compact({ email_addr: operator, name: operator }) };
  const unmapped = unmappedFields(e, ['time', 'operator', 'category_type', 'action', 'operation_detail']);
  if (ACCOUNT_CATEGORIES.has(category.toLowerCase())) {
    const activity = action === 'Add' ? ([1, 'Create'] as const) : action === 'Delete' ? ([6, 'Delete'] as const) : ([OTHER, action || 'Other'] as const);
    const target = detail?.match(EMAIL)?.[0];
    return eventRecord(
      stored,
      { category: IAM, classUid: ACCOUNT_CHANGE, className: 'Account Change', activity },
      {
        actor,
        user: compact({ email_addr: target, name: target ?? (detail || category) }),
        message: detail,
        unmapped: { ...unmapped, category_type: category, action },
      },
    );
  }
  const activity =
    action === 'Add'
      ? ([1, 'Create'] as const)
      : action === 'Update'
        ? ([3, 'Update'] as const)
        : action === 'Delete'
          ? ([4, 'Delete'] as const)
          : ([OTHER, action || 'Other'] as const);
  return eventRecord(
    stored,
    { category: IAM, classUid: ENTITY_MANAGEMENT, className: 'Entity Management', activity, profiles: ['host'] },
    {
      actor,
      entity: compact({ name: category || 'Zoom setting', type: 'Zoom setting', data: compact({ operation_detail: detail }) }),
      message: detail,
      unmapped: { ...unmapped, action },
    },
  );
}

/**
 * Zoomtrail's own audit trail: sign-ins and sign-outs are Authentication
 * (like Zoom's), every other action is an API Activity (a create, update or
 * delete through Zoomtrail's API or CLI, as CloudTrail records AWS's).
 */
function audit(stored: StoredEvent): Record<string, unknown> {
  const e = stored.event;
  const action = text(e, 'action') ?? '';
  const actor = text(e, 'actor');
  const actorKind = text(e, 'actor_kind');
  const status = typeof e.status === 'number' && e.status > 0 ? e.status : undefined;
  const failed = text(e, 'outcome') === 'failed';
  const address = text(e, 'address');
  // A server command (actor_kind cli) has no client address: the endpoint is named after it.
  const src = endpoint(address, ipLocation(e, 'address')) ?? { name: actorKind ?? 'unknown' };
  const unmapped = unmappedFields(e, ['id', 'time', 'actor', 'address', 'action', 'outcome', 'status', 'object_type', 'object_id']);
  const signIn = AUDIT_AUTHENTICATION[action];
  if (signIn)
    return eventRecord(
      stored,
      { category: IAM, classUid: AUTHENTICATION, className: 'Authentication', activity: signIn, failed },
      {
        user: compact({ name: actor, uid: text(e, 'object_id') }),
        service: { name: 'Zoomtrail' },
        src_endpoint: src,
        status_code: status === undefined ? undefined : String(status),
        unmapped,
      },
      ZOOMTRAIL,
    );
  const verb = action.split('.').pop() ?? '';
  const activity = AUDIT_API_VERBS[verb] ?? ([OTHER, action || 'Other'] as const);
  const objectType = text(e, 'object_type');
  return eventRecord(
    stored,
    { category: APPLICATION, classUid: API_ACTIVITY, className: 'API Activity', activity, failed },
    {
      actor: { user: compact({ name: actor ?? 'unknown' }) },
      api: compact({
        operation: action,
        service: { name: 'Zoomtrail' },
        request: { uid: text(e, 'id') ?? stored.rowId },
        response: status === undefined ? undefined : { code: status },
      }),
      src_endpoint: src,
      resources: objectType ? [compact({ type: objectType, uid: text(e, 'object_id'), name: text(e, 'object_id') ? undefined : objectType })] : undefined,
      status_code: status === undefined ? undefined : String(status),
      unmapped,
    },
    ZOOMTRAIL,
  );
}

/**
 * A coverage record: Base Event (class 0, activity 99 Other). OCSF has no
 * class for "a log source's day is complete, with this count and digest"; the
 * Base Event is the schema's generic event for what it does not define. The
 * occurrence attributes carry the day (start_time, end_time) and the count;
 * every field of the record (source, stream, day, count, digest, ...) is kept
 * under `unmapped` with the names docs/coverage-digest.md defines.
 */
function coverage(record: CoverageRecord): Record<string, unknown> {
  const { startMs, endMs } = coverageDayRange(record);
  return ocsfRecord(
    { category: UNCATEGORIZED, classUid: BASE_EVENT, className: 'Base Event', activity: [OTHER, 'Coverage'] },
    { time: startMs, uid: record.id, logName: COVERAGE_LOG_TYPE, product: ZOOMTRAIL, tenant: record.sourceId },
    {
      start_time: startMs,
      end_time: endMs,
      count: record.eventCount,
      message: coverageMessage(record),
      unmapped: unmappedFields(coverageRecordFields(record), ['@timestamp']),
    },
  );
}
