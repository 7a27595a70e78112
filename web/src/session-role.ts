import { useSyncExternalStore } from 'react';
import { currentSession, onSession } from './api.ts';

/** The signed-in user's role (admin, analyst, viewer), null before the session is known. */
export function useRole(): string | null {
  return useSyncExternalStore(
    (changed) => onSession(() => changed()),
    () => currentSession()?.role ?? null,
  );
}

/**
 * Props for a control only admins may use (the API answers 403 to the
 * others): disabled for the other roles, saying why in its tooltip, as the
 * sidebar leaves out the admin-only pages.
 */
export function adminOnly(role: string | null, title?: string): { disabled: boolean; title: string | undefined; 'data-needs-role'?: 'admin' } {
  if (role === 'admin') return { disabled: false, title };
  return { disabled: true, title: 'Needs the admin role: ask an admin to do it, or to give you the role.', 'data-needs-role': 'admin' };
}
