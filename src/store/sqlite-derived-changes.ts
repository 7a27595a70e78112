import type Database from 'better-sqlite3';
import { operationDetailUdm } from '../normalize/data-models.js';
import { setBounded } from '../shared/bounded-map.js';

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
  db.function(SQLITE_UDM_CHANGES, { deterministic: true }, udmChangesJson);
}

/** Answers kept: operations repeat their details (the same settings changed again), and a search rechecks many rows. */
const CACHE_SIZE = 2000;
const cache = new Map<string, string | null>();

function udmChangesJson(categoryType: unknown, action: unknown, detail: unknown): string | null {
  const key = typeof categoryType === 'string' && typeof action === 'string' && typeof detail === 'string' ? `${categoryType}\u0000${action}\u0000${detail}` : undefined;
  if (key !== undefined) {
    const known = cache.get(key);
    if (known !== undefined) return known;
  }
  const changes = operationDetailUdm({ category_type: categoryType, action, operation_detail: detail }).changes;
  const json = Array.isArray(changes) ? JSON.stringify(changes) : null;
  if (key !== undefined) setBounded(cache, key, json, CACHE_SIZE);
  return json;
}
