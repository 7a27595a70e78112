import type { StoredEvent } from '../../store/store.js';
import type { EventFormat } from './event-format.js';
import { compact, ipLocation, text, unmappedFields } from './event-fields.js';

/** The OCSF schema version the records follow. */
export const OCSF_VERSION = '1.1.0';
const IAM_CATEGORY = 3; // Identity & Access Management
const ACCOUNT_CHANGE = 3001;
const AUTHENTICATION = 3002;
const ENTITY_MANAGEMENT = 3004;
const INFORMATIONAL = 1;
const SUCCESS = 1;
const OTHER = 99;

/** Operation categories mapped to Account Change (3001): changes to a user account or its role. */
const ACCOUNT_CATEGORIES = new Set(['user', 'role']);
const EMAIL = /[^\s,;:()<>"']+@[^\s,;:()<>"']+\.[a-z]{2,}/i;

/**
 * OCSF 1.1.0 (https://schema.ocsf.io/1.1.0), mapping:
 *
 * | Zoom | OCSF class | activity_id |
 * | --- | --- | --- |
 * | Zoom.Activity `Sign in` / `Sign out` | Authentication 3002 | 1 Logon / 2 Logoff |
 * | Zoom.Operation, category `User` or `Role` | Account Change 3001 | Add 1 Create, Delete 6 Delete, else 99 Other |
 * | Zoom.Operation, any other category (settings: Account, User Settings, Recording, ...) | Entity Management 3004 | Add 1 Create, Update 3 Update, Delete 4 Delete, else 99 Other |
 *
 * Settings changes are Entity Management: OCSF has no "configuration change"
 * class in 1.1, and Entity Management is the IAM class for "an actor at a
 * management console changed a managed entity" (the entity is the setting's
 * category, its data the operation detail). Every record has category_uid 3,
 * type_uid = class_uid * 100 + activity_id, time in ms, severity_id 1
 * (Informational), status_id 1 (Success: Zoom logs only what happened),
 * metadata.product Zoom, metadata.uid the row id; the Zoom fields not mapped
 * are kept in `unmapped`.
 */
export const ocsfFormat: EventFormat = {
  name: 'ocsf',
  description: `OCSF ${OCSF_VERSION}: sign-in/out as Authentication (3002), user and role changes as Account Change (3001), other operations as Entity Management (3004)`,
  format: (stored) => (stored.logType === 'Zoom.Activity' ? authentication(stored) : operation(stored)),
};

function base(stored: StoredEvent, classUid: number, className: string, activityId: number, activityName: string): Record<string, unknown> {
  return {
    category_uid: IAM_CATEGORY,
    category_name: 'Identity & Access Management',
    class_uid: classUid,
    class_name: className,
    activity_id: activityId,
    activity_name: activityName,
    type_uid: classUid * 100 + activityId,
    time: stored.eventTimeMs,
    severity_id: INFORMATIONAL,
    severity: 'Informational',
    status_id: SUCCESS,
    status: 'Success',
    metadata: {
      version: OCSF_VERSION,
      uid: stored.rowId,
      log_name: stored.logType,
      product: { name: 'Zoom', vendor_name: 'Zoom' },
    },
  };
}

function authentication(stored: StoredEvent): Record<string, unknown> {
  const e = stored.event;
  const logoff = text(e, 'type') === 'Sign out';
  const email = text(e, 'email');
  const ip = text(e, 'ip_address');
  const location = ipLocation(e, 'ip_address');
  return {
    ...base(stored, AUTHENTICATION, 'Authentication', logoff ? 2 : 1, logoff ? 'Logoff' : 'Logon'),
    user: compact({ email_addr: email, name: email }),
    src_endpoint: compact({
      ip,
      location: location ? compact({ country: location.country, region: location.region, city: location.city, lat: location.lat, long: location.lng }) : undefined,
      autonomous_system: location?.asn === undefined ? undefined : compact({ number: location.asn, name: location.org }),
    }),
    unmapped: unmappedFields(e, ['email', 'ip_address', 'time', 'type']),
  };
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
    const activity = action === 'Add' ? [1, 'Create'] : action === 'Delete' ? [6, 'Delete'] : [OTHER, action || 'Other'];
    const target = detail?.match(EMAIL)?.[0];
    return {
      ...base(stored, ACCOUNT_CHANGE, 'Account Change', activity[0] as number, activity[1] as string),
      actor,
      user: compact({ email_addr: target, name: target ?? detail, type: category }),
      message: detail,
      unmapped: { ...unmapped, category_type: category, action },
    };
  }
  const activity = action === 'Add' ? [1, 'Create'] : action === 'Update' ? [3, 'Update'] : action === 'Delete' ? [4, 'Delete'] : [OTHER, action || 'Other'];
  return {
    ...base(stored, ENTITY_MANAGEMENT, 'Entity Management', activity[0] as number, activity[1] as string),
    actor,
    entity: compact({ name: category, type: 'Zoom setting', data: compact({ operation_detail: detail }) }),
    message: detail,
    unmapped: { ...unmapped, action },
  };
}
