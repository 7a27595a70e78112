import { useEffect, useSyncExternalStore } from 'react';
import { useLocation } from './router.tsx';

/**
 * The name a page knows for what it shows (a source's name), for the top
 * bar's breadcrumbs and document.title; null until the page has loaded it.
 */
let label: { path: string; text: string } | null = null;
const listeners = new Set<() => void>();

function set(next: { path: string; text: string } | null): void {
  label = next;
  for (const l of listeners) l();
}

/** Names the current page (kept with its path, so a stale label never shows on another page). */
export function usePageLabel(text: string | null | undefined): void {
  const { path } = useLocation();
  useEffect(() => {
    if (!text) return;
    set({ path, text });
    return () => set(null);
  }, [path, text]);
}

/** The label the page at `path` gave itself, or null. */
export function usePageLabelFor(path: string): string | null {
  const current = useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => label,
  );
  return current && current.path === path ? current.text : null;
}
