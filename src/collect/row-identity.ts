import { hash as digest } from 'node:crypto';

/**
 * Zoom's records have no id and whole-second times, so a record's identity is
 * its content plus which occurrence it is among identical records: two real
 * identical events in one second are occurrences 0 and 1, and reading the day
 * again yields the same two ids, never a third.
 */

/** JSON with object keys sorted at every level, so key order never changes identity. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const item = record[key];
    if (item === undefined) continue;
    if (!first) out += ',';
    out += JSON.stringify(key);
    out += ':';
    out += typeof item === 'string' ? JSON.stringify(item) : canonicalJson(item);
    first = false;
  }
  return `${out}}`;
}

/**
 * Short digest of a record's canonical content: the key of the occurrence
 * count. 22 base64url characters (the first 128 bits of SHA-256), encoded from
 * the bytes so the string is flat: a window read keeps one per distinct record.
 */
export function contentHash(raw: unknown): string {
  return digest('sha256', canonicalJson(raw), 'buffer').toString('base64url', 0, 16);
}

/**
 * `p_row_id`: deterministic from the source, the log type, the content and the
 * occurrence index; 32 hex characters. The first 8 are the event's second
 * (epoch seconds, hex; zeros when the time is unreadable), so ids sort by time
 * and the store's primary-key index grows at its ends instead of being written
 * at random places; the other 24 (96 bits) are the hash.
 */
export function rowIdFor(sourceId: string, logType: string, hash: string, occurrence: number, eventTimeMs: number | null): string {
  const seconds = eventTimeMs === null || !(eventTimeMs >= 0) ? 0 : Math.min(Math.floor(eventTimeMs / 1000), 0xffffffff);
  return seconds.toString(16).padStart(8, '0') + digest('sha256', `${sourceId}\n${logType}\n${hash}\n${occurrence}`, 'hex').slice(0, 24);
}

/**
 * The occurrence key of a record without a readable time: its content hash
 * and the day it was placed on (see WindowIngest). The same malformed record
 * Zoom returns on several days is several records, one per day; its time
 * cannot tell them apart, the day can.
 */
export function timelessKey(hash: string, day: string): string {
  return `${hash}@${day}`;
}
