import type { StoredEvent } from '../../store/store.js';
import type { EventFormat } from './event-format.js';
import { compact, ipLocation, text, unmappedFields } from './event-fields.js';

/** The ECS version the records follow. */
export const ECS_VERSION = '8.11.0';

/**
 * Elastic Common Schema, mapping:
 *
 * | Zoom | ECS |
 * | --- | --- |
 * | `time` | `@timestamp` |
 * | Zoom.Activity `Sign in` / `Sign out` | `event.category: [authentication, session]`, `event.type: [start]` / `[end]`, `event.action: sign-in` / `sign-out` |
 * | Zoom.Operation | `event.category: [iam]` for User, Role and User Group, `[configuration]` otherwise; `event.type` from the action (Add `creation`, Delete `deletion`, else `change`); `event.action: <category>-<action>` lower-case, dashes |
 * | `email` / `operator` | `user.email`, `user.name` |
 * | `ip_address` + `p_enrichment.ip_location.ip_address` | `source.ip`, `source.geo.*`, `source.as.*` |
 * | `operation_detail` | `message` |
 * | the row id | `event.id` |
 *
 * `event.kind` is `event`, `event.outcome` `success`, `event.dataset`
 * `zoom.activity` / `zoom.operation`; the remaining Zoom fields go under `zoom`.
 */
export const ecsFormat: EventFormat = {
  name: 'ecs',
  description: `Elastic Common Schema ${ECS_VERSION} (@timestamp, event.*, user.*, source.ip, source.geo.*)`,
  format: (stored) => (stored.logType === 'Zoom.Activity' ? activity(stored) : operation(stored)),
};

const IAM_CATEGORIES = new Set(['user', 'role', 'user group']);

function event(stored: StoredEvent, fields: { category: string[]; type: string[]; action: string }): Record<string, unknown> {
  return {
    kind: 'event',
    category: fields.category,
    type: fields.type,
    action: fields.action,
    outcome: 'success',
    id: stored.rowId,
    dataset: stored.logType === 'Zoom.Activity' ? 'zoom.activity' : 'zoom.operation',
    provider: 'zoom',
    module: 'zoom',
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
    user: compact({ email, name: email }),
    source:
      ip === undefined
        ? undefined
        : compact({
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
          }),
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
    user: compact({ email: operator, name: operator }),
    message: text(e, 'operation_detail'),
    zoom: unmappedFields(e, ['time', 'operator']),
  });
}
