import { createHash } from 'node:crypto';

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
    out += `${first ? '' : ','}${JSON.stringify(key)}:${canonicalJson(item)}`;
    first = false;
  }
  return `${out}}`;
}

/** Short digest of a record's canonical content: the key of the occurrence count. */
export function contentHash(raw: unknown): string {
  return createHash('sha256').update(canonicalJson(raw)).digest('base64url').slice(0, 22);
}

/**
 * `p_row_id`: deterministic from the source, the log type, the content and the
 * occurrence index. 32 hex characters (128 bits).
 */
export function rowIdFor(sourceId: string, logType: string, hash: string, occurrence: number): string {
  return createHash('sha256').update(`${sourceId}\n${logType}\n${hash}\n${occurrence}`).digest('hex').slice(0, 32);
}
