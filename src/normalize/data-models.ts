/**
 * Panther data models: the `p_udm` view of an event, one per log type, as
 * Panther defines them for Zoom (shared/panther-conventions.md). Event types
 * come from tables, matched exactly; a record no row matches gets no
 * `event_type`.
 */

import { parseOperationDetail } from './operation-detail-parser.js';

/** Builds the `p_udm` object from an event's Zoom fields. */
export type DataModel = (event: Readonly<Record<string, unknown>>) => Record<string, unknown>;

/** Sets `key` only when the value is present (not undefined, null or empty text). */
function put(udm: Record<string, unknown>, key: string, value: unknown): void {
  if (value !== undefined && value !== null && value !== '') udm[key] = value;
}

/** Zoom.Activity: `type` -> event_type. */
export const ACTIVITY_EVENT_TYPES: ReadonlyMap<string, string> = new Map([
  ['Sign in', 'successful_login'],
  ['Sign out', 'successful_logout'],
]);

/** One row of the Zoom.Operation event-type table. */
export interface OperationEventTypeRow {
  /** Exact `category_type`. */
  categoryType: string;
  /** Exact `action`. */
  action: string;
  /** When set, the row applies only if `operation_detail` contains this text. */
  detailContains?: string;
  eventType: string;
}

/** Zoom.Operation: (category_type, action[, detail]) -> event_type. Rows of one pair apply in order. */
export const OPERATION_EVENT_TYPES: readonly OperationEventTypeRow[] = [
  { categoryType: 'User', action: 'Add', eventType: 'user_account_created' },
  { categoryType: 'User', action: 'Delete', eventType: 'user_account_deleted' },
  { categoryType: 'User', action: 'Update', detailContains: 'to Admin', eventType: 'admin_role_assigned' },
  { categoryType: 'User', action: 'Update', eventType: 'user_account_modified' },
  { categoryType: 'User Group', action: 'Add', eventType: 'user_group_created' },
  { categoryType: 'User Group', action: 'Update', eventType: 'user_group_modified' },
  { categoryType: 'User Group', action: 'Delete', eventType: 'user_group_deleted' },
  { categoryType: 'Role', action: 'Add', eventType: 'user_role_created' },
  { categoryType: 'Role', action: 'Update', eventType: 'user_role_modified' },
  { categoryType: 'Role', action: 'Delete', eventType: 'user_role_deleted' },
];

/** The table indexed once: category_type -> action -> rows in table order. */
const OPERATION_INDEX: ReadonlyMap<string, ReadonlyMap<string, readonly OperationEventTypeRow[]>> = (() => {
  const index = new Map<string, Map<string, OperationEventTypeRow[]>>();
  for (const row of OPERATION_EVENT_TYPES) {
    let byAction = index.get(row.categoryType);
    if (!byAction) index.set(row.categoryType, (byAction = new Map<string, OperationEventTypeRow[]>()));
    let rows = byAction.get(row.action);
    if (!rows) byAction.set(row.action, (rows = []));
    rows.push(row);
  }
  return index;
})();

/** The event_type of a Zoom.Operation event, or undefined when no row matches exactly. */
export function operationEventType(event: Readonly<Record<string, unknown>>): string | undefined {
  const { category_type: categoryType, action, operation_detail: detail } = event;
  if (typeof categoryType !== 'string' || typeof action !== 'string') return undefined;
  const rows = OPERATION_INDEX.get(categoryType)?.get(action);
  if (!rows) return undefined;
  for (const row of rows) {
    if (row.detailContains === undefined) return row.eventType;
    if (typeof detail === 'string' && detail.includes(row.detailContains)) return row.eventType;
  }
  return undefined;
}

/** The event_type of a Zoom.Activity event, or undefined for any `type` but "Sign in"/"Sign out". */
export function activityEventType(event: Readonly<Record<string, unknown>>): string | undefined {
  return typeof event.type === 'string' ? ACTIVITY_EVENT_TYPES.get(event.type) : undefined;
}

/** Zoom.Activity: `{actor_user: email, source_ip: ip_address, event_type}`, absent keys left out. */
export const zoomActivityDataModel: DataModel = (event) => {
  const udm: Record<string, unknown> = {};
  put(udm, 'actor_user', event.email);
  put(udm, 'source_ip', event.ip_address);
  put(udm, 'event_type', activityEventType(event));
  return udm;
};

/** Zoomtrail.Audit: `{actor_user: actor, source_ip: address, event_type: action}`. */
export const zoomtrailAuditDataModel: DataModel = (event) => {
  const udm: Record<string, unknown> = {};
  put(udm, 'actor_user', event.actor);
  put(udm, 'source_ip', event.address);
  put(udm, 'event_type', event.action);
  return udm;
};

/** Zoom.Operation: `{actor_user: operator, event_type}` and the parsed detail (below), absent keys left out. */
export const zoomOperationDataModel: DataModel = (event) => {
  const udm: Record<string, unknown> = {};
  put(udm, 'actor_user', event.operator);
  put(udm, 'event_type', operationEventType(event));
  return Object.assign(udm, operationDetailUdm(event));
};

/**
 * The parsed `operation_detail`, flattened for search: `detail_kind`, the
 * `section` (settings), `group`, the `target_user` (users and role changes)
 * and `changes` (`{name, from, to}` or `{name, value}`). Nothing for text the
 * parser cannot read: the raw `operation_detail` stays searchable.
 */
export function operationDetailUdm(event: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const detail = parseOperationDetail(
    typeof event.category_type === 'string' ? event.category_type : undefined,
    typeof event.action === 'string' ? event.action : undefined,
    typeof event.operation_detail === 'string' ? event.operation_detail : undefined,
  );
  switch (detail.kind) {
    case 'settings':
      return {
        detail_kind: 'settings',
        section: detail.section,
        changes: detail.changes.map(({ setting, from, to }) => ({ name: setting, from, to })),
      };
    case 'role_change':
      return { detail_kind: 'role_change', target_user: detail.email, changes: [{ name: 'Role', from: detail.from, to: detail.to }] };
    case 'user':
      return {
        detail_kind: 'user',
        user_action: detail.verb,
        target_user: detail.email,
        changes: detail.changes.map(({ field, ...rest }) => ({ name: field, ...rest })),
      };
    case 'group':
      return {
        detail_kind: 'group',
        group_action: detail.verb,
        group: detail.group,
        changes: detail.changes.map(({ setting, from, to }) => ({ name: setting, from, to })),
      };
    case 'unknown':
      return {};
  }
}
