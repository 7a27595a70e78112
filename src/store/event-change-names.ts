/**
 * What the "change names" of an event are, for searching them (`change=` and
 * `change:` in the query language), in one place for both stores:
 * the `name` of each change of `p_udm.changes` (an array of changes, or an
 * object whose values are the changes; a change is an object), as SQLite's
 * `json_extract` reads it (the recheck of SQLite's search): a string as it is,
 * a number as its text, a boolean as 1 or 0, an object or array as its JSON;
 * changes without a name are skipped.
 *
 * Both stores keep them joined and lower-cased in `events.change_names` (the
 * page writers; migrations 024 and 034 for older rows), so no query parses JSON
 * to find them; SQLite also indexes them joined one a line in
 * `events_search.changes` (SqliteSearchIndexWriter), which narrows its search.
 */
export function eventChangeNames(event: Readonly<Record<string, unknown>>): string[] {
  const udm = event.p_udm;
  if (typeof udm !== 'object' || udm === null) return [];
  const changes = (udm as Record<string, unknown>).changes;
  if (typeof changes !== 'object' || changes === null) return [];
  const names: string[] = [];
  for (const change of Array.isArray(changes) ? (changes as unknown[]) : Object.values(changes)) {
    if (typeof change !== 'object' || change === null || Array.isArray(change)) continue;
    const name = nameText((change as Record<string, unknown>).name);
    if (name !== null) names.push(name);
  }
  return names;
}

/** The change names one a line (SQLite's `events_search.changes`), or null when the event has none. */
export function joinedChangeNames(event: Readonly<Record<string, unknown>>): string | null {
  const names = eventChangeNames(event);
  return names.length === 0 ? null : names.join('\n');
}

/**
 * `events.change_names` (both stores): the names lower-cased (as the reader's
 * patterns, `containsPattern`), one a line, or null when the event has none. A
 * pattern without a newline matches this text exactly when it matches one name.
 */
export function searchedChangeNames(event: Readonly<Record<string, unknown>>): string | null {
  return joinedChangeNames(event)?.toLowerCase() ?? null;
}

function nameText(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? '1' : '0';
  return JSON.stringify(value);
}
