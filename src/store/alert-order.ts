import { sql, type Expression, type ExpressionBuilder, type RawBuilder, type SqlBool } from 'kysely';
import { SEVERITIES } from '../domain/severity.js';
import { ALERT_STATUSES, type AlertPosition, type AlertSort } from './alert-store.js';
import type { StoreTables } from './store-tables.js';

type AlertsExpressions = ExpressionBuilder<StoreTables, 'alerts'>;

/** One key of an alert sort: its SQL, its value at a position, its direction. */
interface SortKey {
  sql: RawBuilder<number | string>;
  value(position: AlertPosition): number | string;
  direction: 'asc' | 'desc';
}

/** A rank by a list of constants (ours, not the user's), as a CASE over the column. */
function rank(column: 'severity' | 'status', values: readonly string[]): RawBuilder<number> {
  return sql<number>`(CASE ${sql.ref(column)} ${sql.raw(values.map((v, i) => `WHEN '${v}' THEN ${i}`).join(' '))} ELSE -1 END)`;
}

const lastEvent: SortKey = { sql: sql<number>`${sql.ref('last_event_ms')}`, value: (p) => p.lastEventMs, direction: 'desc' };
/** The tie-break of every sort: alert ids are unique, so the order is total and a page boundary exact. */
const byId: SortKey = { sql: sql<string>`${sql.ref('id')}`, value: (p) => p.id, direction: 'asc' };

/**
 * The alert sorts, each a list of keys ending with the id: newest last event
 * (the default); most severe first; open, then acknowledged, then resolved;
 * most recently raised; by rule id; by assignee (unassigned first). Within a severity or a status, newest last event first.
 */
export const ALERT_SORT_KEYS: Record<AlertSort, readonly SortKey[]> = {
  'last-event': [lastEvent, byId],
  severity: [{ sql: rank('severity', SEVERITIES), value: (p) => SEVERITIES.indexOf(p.severity), direction: 'desc' }, lastEvent, byId],
  status: [{ sql: rank('status', ALERT_STATUSES), value: (p) => ALERT_STATUSES.indexOf(p.status), direction: 'asc' }, lastEvent, byId],
  raised: [{ sql: sql<number>`${sql.ref('raised_at')}`, value: (p) => p.raisedAt, direction: 'desc' }, byId],
  rule: [{ sql: sql<string>`${sql.ref('rule_id')}`, value: (p) => p.ruleId, direction: 'asc' }, lastEvent, byId],
  assignee: [{ sql: sql<string>`coalesce(${sql.ref('assignee')}, '')`, value: (p) => p.assignee, direction: 'asc' }, lastEvent, byId],
};

/**
 * Keyset condition: the alerts after `position` in `sort`, i.e. for keys
 * k1..kn, `k1 beyond v1 OR (k1 = v1 AND k2 beyond v2) OR ...`.
 */
export function afterPosition(sort: AlertSort, position: AlertPosition): (eb: AlertsExpressions) => Expression<SqlBool> {
  const keys = ALERT_SORT_KEYS[sort];
  return (eb) =>
    eb.or(
      keys.map((key, i) =>
        eb.and([...keys.slice(0, i).map((earlier) => eb(earlier.sql, '=', earlier.value(position))), eb(key.sql, key.direction === 'desc' ? '<' : '>', key.value(position))]),
      ),
    );
}
