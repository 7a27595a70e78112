import { useSyncExternalStore } from 'react';

/**
 * Light or dark colours: the system's (prefers-color-scheme) unless the user
 * picked one, kept in localStorage. The resolved theme is `data-theme` on
 * <html>, which switches the CSS variables in styles.css.
 */
export type ThemePreference = 'system' | 'light' | 'dark';
export type Theme = 'light' | 'dark';

const THEME_KEY = 'zoomtrail.theme';
const listeners = new Set<() => void>();
const darkQuery = window.matchMedia('(prefers-color-scheme: dark)');

function stored(): ThemePreference {
  try {
    const v = window.localStorage.getItem(THEME_KEY);
    return v === 'light' || v === 'dark' ? v : 'system';
  } catch {
    return 'system';
  }
}
let preference: ThemePreference = stored();

export function themePreference(): ThemePreference {
  return preference;
}

export function resolvedTheme(pref: ThemePreference = preference): Theme {
  if (pref !== 'system') return pref;
  return darkQuery.matches ? 'dark' : 'light';
}

function apply(): void {
  const theme = resolvedTheme();
  document.documentElement.dataset.theme = theme;
  document.documentElement.style.colorScheme = theme;
  for (const l of listeners) l();
}

export function setThemePreference(pref: ThemePreference): void {
  preference = pref;
  try {
    window.localStorage.setItem(THEME_KEY, pref);
  } catch {
    /* private mode: the choice lasts until the tab closes */
  }
  apply();
}

/** Applies the theme now and whenever the system's setting changes (called once, before the first render). */
export function startTheme(): void {
  apply();
  darkQuery.addEventListener('change', apply);
}

/** The resolved theme (light or dark); re-renders when it changes. */
export function useResolvedTheme(): Theme {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => resolvedTheme(),
  );
}

/** The preference; re-renders when it (or the system's setting) changes. */
export function useThemePreference(): ThemePreference {
  return useSyncExternalStore((l) => {
    listeners.add(l);
    return () => listeners.delete(l);
  }, themePreference);
}
