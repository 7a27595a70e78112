import { SEVERITIES, type Severity } from '../../domain/severity.js';
import { ALERT_SORTS, ALERT_STATUSES, alertPosition, type AlertPosition, type AlertRecord, type AlertSort, type AlertStatus } from '../../store/alert-store.js';
import { ApiHttpError } from './route-support.js';

/**
 * The opaque paging cursor of GET /alerts: base64url of the JSON of the sort
 * it was given for and the last alert shown's position in it.
 */
export function encodeAlertCursor(sort: AlertSort, alert: AlertRecord): string {
  const p = alertPosition(alert);
  return Buffer.from(JSON.stringify({ s: sort, i: p.id, l: p.lastEventMs, r: p.raisedAt, v: p.severity, t: p.status, u: p.ruleId, a: p.assignee })).toString('base64url');
}

/** The position a cursor holds; a 400 with a fix when it is not one this server gave out for `sort`. */
export function decodeAlertCursor(cursor: string, sort: AlertSort): AlertPosition {
  let value: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) value = parsed as Record<string, unknown>;
  } catch {
    // reported below
  }
  const position =
    value &&
    typeof value.i === 'string' &&
    value.i !== '' &&
    isTime(value.l) &&
    isTime(value.r) &&
    (SEVERITIES as readonly unknown[]).includes(value.v) &&
    (ALERT_STATUSES as readonly unknown[]).includes(value.t) &&
    (ALERT_SORTS as readonly unknown[]).includes(value.s)
      ? {
          sort: value.s as AlertSort,
          id: value.i,
          lastEventMs: value.l,
          raisedAt: value.r,
          severity: value.v as Severity,
          status: value.t as AlertStatus,
          ruleId: typeof value.u === 'string' ? value.u : '',
          assignee: typeof value.a === 'string' ? value.a : '',
        }
      : undefined;
  if (!position) {
    throw invalidCursor(
      'cursor is not a cursor this server gave out',
      'Pass the nextCursor of the previous page back unchanged, or leave cursor out to start from the first page.',
    );
  }
  if (position.sort !== sort) {
    throw invalidCursor(
      `cursor was given out for sort=${position.sort}, not sort=${sort}`,
      `Page with sort=${position.sort}, or leave cursor out to start the sort=${sort} list from its first page.`,
    );
  }
  const { sort: _sort, ...rest } = position;
  return rest;
}

function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

function invalidCursor(message: string, fix: string): ApiHttpError {
  return new ApiHttpError(400, 'invalid_request', message, [{ field: 'cursor', message }], fix);
}
