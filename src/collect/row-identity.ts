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
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      out += canonicalJson(value[i]);
    }
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = sortedKeys(record);
  let out = '{';
  let first = true;
  for (const key of keys) {
    const item = record[key];
    if (item === undefined) continue;
    if (!first) out += ',';
    out += quotedKey(key);
    out += ':';
    out += typeof item === 'string' ? JSON.stringify(item) : canonicalJson(item);
    first = false;
  }
  return `${out}}`;
}

/**
 * The keys of the last object `sortedKeys` sorted, in their own order, and sorted: the records
 * of one report come with their keys in one order, so most records reuse the last sort.
 */
let lastKeys: readonly string[] = [];
let lastSorted: readonly string[] = [];

/** An object's own keys, sorted (a new array whenever they differ from the last object's; never changed after). */
function sortedKeys(record: Record<string, unknown>): readonly string[] {
  const keys = Object.keys(record);
  if (keys.length === lastKeys.length) {
    let same = true;
    for (let i = 0; i < keys.length; i++) {
      if (keys[i] !== lastKeys[i]) {
        same = false;
        break;
      }
    }
    if (same) return lastSorted;
  }
  lastKeys = keys;
  lastSorted = [...keys].sort();
  return lastSorted;
}

/** Keys as JSON strings, remembered (the same few keys recur); at most QUOTED_KEYS of them, the first seen. */
const QUOTED_KEYS = 4096;
const quoted = new Map<string, string>();

function quotedKey(key: string): string {
  let text = quoted.get(key);
  if (text === undefined) {
    text = JSON.stringify(key);
    if (quoted.size < QUOTED_KEYS) quoted.set(key, text);
  }
  return text;
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
