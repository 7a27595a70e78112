/** The kinds of `event_indicators` keys (the page writers' and the readers'). */
export type IndicatorKind = 'email' | 'ip' | 'country' | 'asn';

/**
 * SQLite: each kind as the small integer `event_indicators.kind` holds (migration 027;
 * issue 14 §2, bytes on disk per event). An integer of 0 or 1 takes no byte in a record
 * (only its type in the header), 2 and 3 one byte, where the name took 2 to 7: 0 and 1
 * go to the longest names (`country`, `email`), which nearly every event has. Stored: never change a code
 * (migration 027 writes these).
 */
export const SQLITE_INDICATOR_KINDS: Readonly<Record<IndicatorKind, number>> = { country: 0, email: 1, ip: 2, asn: 3 };

/** The SQLite `event_indicators.kind` of `kind`. */
export function sqliteIndicatorKind(kind: IndicatorKind): number {
  return SQLITE_INDICATOR_KINDS[kind];
}
