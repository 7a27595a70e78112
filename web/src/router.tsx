import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent, type ReactNode } from 'react';

type Listener = () => void;
const listeners = new Set<Listener>();

function emit(): void {
  for (const l of listeners) l();
}
window.addEventListener('popstate', emit);

function subscribe(l: Listener): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}
function snapshot(): string {
  return window.location.pathname + window.location.search;
}

export function currentPathWithQuery(): string {
  return snapshot();
}

export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (to === snapshot()) return;
  if (opts.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  if (!opts.replace) window.scrollTo(0, 0);
  emit();
}

export interface Location {
  path: string;
  query: URLSearchParams;
  href: string;
}

/** The current location; re-renders on navigation. */
export function useLocation(): Location {
  const href = useSyncExternalStore(subscribe, snapshot);
  const q = href.indexOf('?');
  const path = q < 0 ? href : href.slice(0, q);
  return { path, query: new URLSearchParams(q < 0 ? '' : href.slice(q + 1)), href };
}

/** Matches `/sources/:id/setup` against a path; returns the params or null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split('/').filter(Boolean);
  const s = path.replace(/\/+$/, '').split('/').filter(Boolean);
  if (p.length !== s.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    const pp = p[i]!;
    const sp = s[i]!;
    if (pp.startsWith(':')) params[pp.slice(1)] = decodeURIComponent(sp);
    else if (pp !== sp) return null;
  }
  return params;
}

type LinkProps = AnchorHTMLAttributes<HTMLAnchorElement> & { to: string; children?: ReactNode };

/** An <a> that navigates in-app on a plain left click (Ctrl/Cmd-click still opens a new tab). */
export function Link({ to, onClick, children, ...rest }: LinkProps) {
  function handle(e: MouseEvent<HTMLAnchorElement>) {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  }
  return (
    <a href={to} onClick={handle} {...rest}>
      {children}
    </a>
  );
}
