/** An alert's status, in its life's order. */
export const ALERT_STATUSES = ['open', 'acknowledged', 'resolved'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/**
 * How alerts are listed: newest last event first (`last-event`, the
 * default); most severe first; open, acknowledged, resolved; newest raised
 * first; by rule id; by assignee (unassigned first). Ties: newest last event, then alert id.
 */
export const ALERT_SORTS = ['last-event', 'severity', 'status', 'raised', 'rule', 'assignee'] as const;
export type AlertSort = (typeof ALERT_SORTS)[number];
