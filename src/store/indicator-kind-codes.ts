/** The kinds of `event_indicators` keys (the page writers' and the readers'). */
export type IndicatorKind = 'email' | 'ip' | 'country' | 'asn';

/**
 * Each kind as the small integer `event_indicators.kind` holds, on both stores (SQLite:
 * migration 027; PostgreSQL, a `smallint`: migration 035; issue 14 §2, bytes on disk per
 * event). On SQLite an integer of 0 or 1 takes no byte in a record (only its type in the
 * header), 2 and 3 one byte, where the name took 2 to 7: 0 and 1 go to the longest names
 * (`country`, `email`), which nearly every event has. Stored: never change a code
 * (migrations 027 and 035 write these).
 */
export const INDICATOR_KIND_CODES: Readonly<Record<IndicatorKind, number>> = { country: 0, email: 1, ip: 2, asn: 3 };

/** The `event_indicators.kind` of `kind`. */
export function indicatorKindCode(kind: IndicatorKind): number {
  return INDICATOR_KIND_CODES[kind];
}
