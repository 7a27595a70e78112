/**
 * The events table's columns, and which of them are shown: the `cols` URL
 * parameter (a deep link opens the same view), else the last choice kept in
 * the browser, else all of them.
 */
export const EVENT_COLUMNS = [
  { key: 'time', label: 'p_event_time', className: 'col-time' },
  { key: 'logType', label: 'p_log_type', className: 'col-log-type' },
  { key: 'actor', label: 'Actor', className: 'col-actor' },
  { key: 'action', label: 'Type / category / action', className: 'col-action' },
  { key: 'detail', label: 'Detail / IP', className: '' },
  { key: 'source', label: 'p_source_label', className: 'col-source' },
] as const;

export type EventColumnKey = (typeof EVENT_COLUMNS)[number]['key'];

const STORAGE_KEY = 'zoomtrail.events.columns';
const ALL: readonly EventColumnKey[] = EVENT_COLUMNS.map((c) => c.key);

function parseColumns(text: string | null): EventColumnKey[] | null {
  if (text === null) return null;
  const keys = text.split(',').filter((k): k is EventColumnKey => (ALL as readonly string[]).includes(k));
  return keys.length > 0 ? keys : null;
}

function storedColumns(): string | null {
  try {
    return globalThis.localStorage?.getItem(STORAGE_KEY) ?? null;
  } catch {
    return null;
  }
}

/** The columns shown, in table order: from the URL's `cols`, else the browser's last choice, else all. */
export function visibleColumns(urlValue: string | null): EventColumnKey[] {
  const chosen = parseColumns(urlValue) ?? parseColumns(storedColumns()) ?? [...ALL];
  return ALL.filter((k) => chosen.includes(k));
}

/** `shown` with `key` toggled, kept in the browser; the value for `cols` (null when every column shows). */
export function toggleColumn(shown: readonly EventColumnKey[], key: EventColumnKey): string | null {
  const next = shown.includes(key) ? shown.filter((k) => k !== key) : [...shown, key];
  const ordered = ALL.filter((k) => next.includes(k));
  if (ordered.length === 0) return shown.join(',');
  const value = ordered.length === ALL.length ? null : ordered.join(',');
  try {
    if (value === null) globalThis.localStorage?.removeItem(STORAGE_KEY);
    else globalThis.localStorage?.setItem(STORAGE_KEY, value);
  } catch {
    // Private browsing without storage: the URL still holds the choice.
  }
  return value;
}
