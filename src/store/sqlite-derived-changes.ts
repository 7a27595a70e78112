import type Database from 'better-sqlite3';
import { operationDetailUdm } from '../normalize/data-models.js';

/**
 * `zoomtrail_udm_changes(category_type, action, operation_detail)`: the JSON
 * text of the `p_udm.changes` Zoom.Operation's data model derives from those
 * fields (null when it derives none), for SQLite's change-name search of rows
 * stored without `p_udm` (normalize/stored-event.ts rebuilds it on read).
 * Registered on every connection (sqlite-database.ts), read workers included.
 * The arguments are the record's fields when they are text, else null (as the
 * data model treats any other value).
 */
export const SQLITE_UDM_CHANGES = 'zoomtrail_udm_changes';

export function registerUdmChangesFunction(db: Database.Database): void {
  db.function(SQLITE_UDM_CHANGES, { deterministic: true }, (categoryType: unknown, action: unknown, detail: unknown) => {
    const changes = operationDetailUdm({ category_type: categoryType, action, operation_detail: detail }).changes;
    return Array.isArray(changes) ? JSON.stringify(changes) : null;
  });
}
