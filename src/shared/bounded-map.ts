/**
 * Sets `key` in a map that holds at most `maxSize` entries: when it is full,
 * the entry inserted first is dropped (first in, first out; a read does not
 * refresh an entry).
 */
export function setBounded<K, V>(map: Map<K, V>, key: K, value: V, maxSize: number): void {
  if (!map.has(key) && map.size >= maxSize) {
    const oldest = map.keys().next();
    if (!oldest.done) map.delete(oldest.value);
  }
  map.set(key, value);
}
