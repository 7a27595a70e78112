import type { IpLocation } from './ip-location.js';
/**
 * What the history rules know of one sign-in: who, when, from which IP and,
 * for a public address the enrichment located, where (country, ASN, point and
 * the database's accuracy radius). The store keeps one such fact per stored
 * sign-in (`sign_ins`, migration 009), written by the page writers with
 * `historyIndexOf` (migration 015 dropped the trigger that parsed the stored
 * JSON again), and the detector reads the event's own fact with the same
 * `signInFactOf`:
 *
 * - a sign-in is a `Zoom.Activity` event whose `type`, trimmed and lower-cased, is `sign in`;
 * - the user is the `email`, trimmed and lower-cased;
 * - the location is `p_enrichment.ip_location.ip_address`, used only when its
 *   `kind` is `public` (private, loopback, link-local and documentation ranges,
 *   and unknown addresses, have no place);
 * - a point needs both `lat` and `lng`; `accuracy_km` defaults to 0.
 */
export interface SignInFact {
  rowId: string;
  user: string;
  timeMs: number;
  ip: string | null;
  /** ISO 3166 alpha-2 (upper case), only for a located public address. */
  country: string | null;
  asn: number | null;
  lat: number | null;
  lng: number | null;
  accuracyKm: number | null;
}

/** The enrichment of one IP field, as the normalizer writes it (src/domain/ip-location.ts). */
export type { IpLocation };

/** Whether a Zoom.Activity event is a sign-in (not a sign-out). */
export function isSignInEvent(event: Readonly<Record<string, unknown>>): boolean {
  return typeof event.type === 'string' && event.type.trim().toLowerCase() === 'sign in';
}

/** Whether a Zoom.Operation event is one the history rules read: `category_type`, trimmed and lower-cased, `account` or `user group`. */
export function isHistoryWatchedOperation(event: Readonly<Record<string, unknown>>): boolean {
  if (typeof event.category_type !== 'string') return false;
  const category = event.category_type.trim().toLowerCase();
  return category === 'account' || category === 'user group';
}

/**
 * What the store indexes for the history rules when it stores an event: the
 * sign-in fact of a sign-in (a `sign_ins` row), and whether the event waits in
 * `history_pending` (every sign-in; account and user-group operations).
 */
export function historyIndexOf(logType: string, rowId: string, timeMs: number, event: Readonly<Record<string, unknown>>): { fact: SignInFact | null; queued: boolean } {
  if (logType === 'Zoom.Activity') {
    const fact = signInFactOf(rowId, timeMs, event);
    return { fact, queued: fact !== null };
  }
  return { fact: null, queued: logType === 'Zoom.Operation' && isHistoryWatchedOperation(event) };
}

/** The enrichment of `field` (e.g. `ip_address`) of an event, or undefined. */
export function ipLocationOf(event: Readonly<Record<string, unknown>>, field: string): IpLocation | undefined {
  const enrichment = record(event.p_enrichment);
  const locations = record(enrichment?.ip_location);
  const location = record(locations?.[field]);
  return location && typeof location.kind === 'string' ? (location as unknown as IpLocation) : undefined;
}

/** The sign-in fact of a stored event, or null when it is not a sign-in. */
export function signInFactOf(rowId: string, timeMs: number, event: Readonly<Record<string, unknown>>): SignInFact | null {
  if (!isSignInEvent(event)) return null;
  const user = typeof event.email === 'string' ? event.email.trim().toLowerCase() : '';
  const ip = typeof event.ip_address === 'string' && event.ip_address !== '' ? event.ip_address : null;
  const location = ipLocationOf(event, 'ip_address');
  const isPublic = location?.kind === 'public';
  const lat = isPublic ? finite(location.lat) : null;
  const lng = isPublic ? finite(location.lng) : null;
  const located = lat !== null && lng !== null;
  return {
    rowId,
    user,
    timeMs,
    ip,
    country: isPublic && typeof location?.country === 'string' && location.country !== '' ? location.country.toUpperCase() : null,
    asn: isPublic && typeof location?.asn === 'number' && Number.isInteger(location.asn) ? location.asn : null,
    lat: located ? lat : null,
    lng: located ? lng : null,
    accuracyKm: located ? Math.max(0, finite(location?.accuracy_km) ?? 0) : null,
  };
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function finite(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
