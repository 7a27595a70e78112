/**
 * Zoomtrail's own source: the owner of the `Zoomtrail.Audit` events (the audit trail as events).
 * Created by migration 018; never collected from Zoom, so it is left out of the source list (and
 * with it of the collector, health, coverage and drop-off alarms) and cannot be changed or removed
 * through the API.
 */
export const INTERNAL_SOURCE_ID = 'src_zoomtrail_internal';
export const INTERNAL_SOURCE_NAME = 'Zoomtrail (internal audit trail)';
/** Its `auth_kind`: not one of Zoom's. */
export const INTERNAL_SOURCE_KIND = 'internal';

export function isInternalSource(id: string): boolean {
  return id === INTERNAL_SOURCE_ID;
}
