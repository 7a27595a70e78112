import { useCallback, useEffect, useEffectEvent, useState, useSyncExternalStore } from 'react';

/** "3 min ago", "in 2 h", from an ISO time. */
export function relTime(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '—';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const d = Math.round((now - t) / 1000);
  const abs = Math.abs(d);
  const fmt = (n: number, u: string) => (d >= 0 ? `${n} ${u} ago` : `in ${n} ${u}`);
  if (abs < 45) return d >= 0 ? 'just now' : 'in a moment';
  if (abs < 3600) return fmt(Math.round(abs / 60), 'min');
  if (abs < 86400) return fmt(Math.round(abs / 3600), 'h');
  if (abs < 86400 * 60) return fmt(Math.round(abs / 86400), 'd');
  return fmt(Math.round(abs / (86400 * 30)), 'mo');
}

/**
 * The console's one time-zone setting: every displayed timestamp and the
 * custom time range inputs follow it. UTC unless the user picked the
 * browser's zone (kept in localStorage, shown in the top bar).
 */
export type TimeZonePreference = 'utc' | 'local';
const TIME_ZONE_KEY = 'zoomtrail.timeZone';
const timeZoneListeners = new Set<() => void>();

function storedTimeZone(): TimeZonePreference {
  try {
    return window.localStorage.getItem(TIME_ZONE_KEY) === 'local' ? 'local' : 'utc';
  } catch {
    return 'utc';
  }
}
let timeZone: TimeZonePreference = storedTimeZone();

export function timeZonePreference(): TimeZonePreference {
  return timeZone;
}

export function setTimeZonePreference(zone: TimeZonePreference): void {
  timeZone = zone;
  try {
    window.localStorage.setItem(TIME_ZONE_KEY, zone);
  } catch {
    /* private mode: the choice lasts until the tab closes */
  }
  for (const l of timeZoneListeners) l();
}

/** The time-zone setting; re-renders when it changes. */
export function useTimeZonePreference(): TimeZonePreference {
  return useSyncExternalStore((l) => {
    timeZoneListeners.add(l);
    return () => timeZoneListeners.delete(l);
  }, timeZonePreference);
}

/** The browser's zone: `Europe/Berlin`. */
export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'local';
}

/** `UTC`, or `Europe/Berlin` (the browser's zone) for the top bar. */
export function timeZoneLabel(zone: TimeZonePreference = timeZone): string {
  return zone === 'utc' ? 'UTC' : browserTimeZone();
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** `2024-03-01 08:00:05Z` (UTC) or `2024-03-01 09:00:05` (the browser's zone, named in the top bar): compact, sortable. */
export function isoShort(iso: string | null | undefined, zone: TimeZonePreference = timeZone): string {
  if (!iso) return '—';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const d = new Date(t);
  if (zone === 'local') {
    return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
  }
  return d
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, 'Z');
}

/** An ISO time as the value of a `datetime-local` input, in the console's zone. */
export function toZoneInput(iso: string, zone: TimeZonePreference = timeZone): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  if (zone === 'utc') return d.toISOString().slice(0, 16);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}T${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
}

/** A `datetime-local` input's value, read in the console's zone, as an ISO time ('' when incomplete). */
export function fromZoneInput(value: string, zone: TimeZonePreference = timeZone): string {
  if (!value) return '';
  const d = new Date(zone === 'utc' ? `${value}Z` : value);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString();
}

export function minutesLabel(m: number | null): string {
  if (m === null) return 'off';
  if (m % 1440 === 0) return `${m / 1440} day${m === 1440 ? '' : 's'}`;
  if (m % 60 === 0) return `${m / 60} hour${m === 60 ? '' : 's'}`;
  return `${m} minutes`;
}

export function durationLabel(ms: number): string {
  if (ms % 86400000 === 0) return `${ms / 86400000} d`;
  if (ms % 3600000 === 0) return `${ms / 3600000} h`;
  if (ms % 60000 === 0) return `${ms / 60000} min`;
  return `${Math.round(ms / 1000)} s`;
}

export function str(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** Reads `obj.a.b` safely. */
export function pick(obj: unknown, ...keys: string[]): unknown {
  let cur: unknown = obj;
  for (const k of keys) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

export interface Async<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
  setData: (d: T) => void;
}

/** Runs `fn` when `deps` change; keeps the previous data while reloading. */
export function useAsync<T>(fn: () => Promise<T>, deps: unknown[]): Async<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  // The latest `fn`, callable from the effect without being one of its deps.
  const load = useEffectEvent(fn);
  useEffect(() => {
    let live = true;
    // Starting the request is this effect's job, and loading says it started.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setLoading(true);
    load().then(
      (d) => {
        if (!live) return;
        setData(d);
        setError(undefined);
        setLoading(false);
      },
      (e: unknown) => {
        if (!live) return;
        setError(e);
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `deps` is the caller's list: this hook re-runs like useEffect does
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload, setData };
}

/**
 * The error of a page's last action, and `run`, which clears it, runs an
 * action and keeps what the action throws (for an ErrorBox).
 */
export function useActionError(): { error: unknown; run: (action: () => Promise<void>) => Promise<void> } {
  const [error, setError] = useState<unknown>(null);
  const run = useCallback(async (action: () => Promise<void>) => {
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(err);
    }
  }, []);
  return { error, run };
}

/**
 * An event handler that runs an async action. React drops the promise a
 * handler returns, so whatever the action does not handle itself (the forms
 * show their API errors inline) is logged instead of becoming an unhandled
 * rejection.
 */
export function onAsync<E>(action: (event: E) => Promise<void>): (event: E) => void {
  return (event) => {
    action(event).catch((error: unknown) => console.error(error));
  };
}

/** Calls `fn` every `ms` while `active`. */
export function useInterval(fn: () => void, ms: number, active: boolean): void {
  const tick = useEffectEvent(fn);
  useEffect(() => {
    if (!active) return;
    const h = window.setInterval(() => tick(), ms);
    return () => window.clearInterval(h);
  }, [ms, active]);
}

export async function copyText(text: string, fallbackEl?: HTMLElement | null): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    /* fall through to the selection fallback */
  }
  if (!fallbackEl) return false;
  // Fallback: select the text so the user can press Ctrl/Cmd+C (and try execCommand).
  if (fallbackEl instanceof HTMLInputElement || fallbackEl instanceof HTMLTextAreaElement) {
    fallbackEl.focus();
    fallbackEl.select();
  } else {
    const sel = window.getSelection();
    sel?.removeAllRanges();
    const range = document.createRange();
    range.selectNodeContents(fallbackEl);
    sel?.addRange(range);
  }
  try {
    return document.execCommand('copy');
  } catch {
    return false;
  }
}
