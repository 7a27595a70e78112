import { useState } from 'react';
import { api, enc } from '../api.ts';
import { ErrorBox, Options, PageHeader, SkeletonRows, Time } from '../components.tsx';
import type { OneTimeLink, UserList, UserView } from '../types.ts';
import { useAsync } from '../util.ts';

const ROLES = ['admin', 'analyst', 'viewer'] as const;

/** Users (admin): invite with a role, change roles, disable/enable, password-reset links, end sessions. */
export function UsersPage() {
  const q = useAsync(() => api.get<UserList>('/api/users'), []);
  const [role, setRole] = useState<(typeof ROLES)[number]>('analyst');
  const [link, setLink] = useState<{ what: string; link: OneTimeLink } | null>(null);
  const [error, setError] = useState<unknown>(null);

  const act = async (work: () => Promise<unknown>) => {
    setError(null);
    try {
      await work();
      q.reload();
    } catch (e) {
      setError(e);
    }
  };
  const invite = () => act(async () => setLink({ what: `Invitation (${role})`, link: await api.post<OneTimeLink>('/api/users/invitations', { role }) }));
  const change = (u: UserView, patch: { role?: string; disabled?: boolean }) => act(() => api.patch(`/api/users/${enc(u.id)}`, patch));
  const reset = (u: UserView) =>
    act(async () => setLink({ what: `Password reset for ${u.username}`, link: await api.post<OneTimeLink>(`/api/users/${enc(u.id)}/password-reset`) }));
  const endSessions = (u: UserView) => act(() => api.del(`/api/users/${enc(u.id)}/sessions`));

  return (
    <div className="page">
      <PageHeader
        title="Users"
        sub="Admins do everything; analysts search events, triage alerts and backtest rules; viewers read. The last enabled admin can be neither demoted nor disabled."
        actions={
          <div className="row gap">
            <select value={role} aria-label="Role of the invited user" data-testid="invite-role" onChange={(e) => setRole(e.target.value as (typeof ROLES)[number])}>
              <Options values={ROLES} />
            </select>
            <button type="button" className="btn btn-primary" data-testid="invite-user" onClick={() => void invite()}>
              Invite
            </button>
          </div>
        }
      />
      {link ? (
        <div className="card" data-testid="one-time-link">
          <div className="small muted">
            {link.what}: send this link (usable once, until <Time iso={link.link.expiresAt} />
            ).
          </div>
          <input className="mono" readOnly value={link.link.link} onFocus={(e) => e.target.select()} style={{ width: '100%' }} />
        </div>
      ) : null}
      <ErrorBox error={error ?? q.error} onRetry={q.reload} />
      <div className="table-wrap">
        <table className="table" data-testid="users-table">
          <thead>
            <tr>
              <th>User</th>
              <th>Role</th>
              <th>State</th>
              <th>Created</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {!q.data && q.loading ? <SkeletonRows cols={5} /> : null}
            {q.data?.users.map((u) => (
              <tr key={u.id} data-testid="user-row">
                <td>{u.username}</td>
                <td>
                  <select value={u.role} aria-label={`Role of ${u.username}`} onChange={(e) => void change(u, { role: e.target.value })}>
                    <Options values={ROLES} />
                  </select>
                </td>
                <td>{u.disabledAt ? 'disabled' : 'enabled'}</td>
                <td className="nowrap">
                  <Time iso={u.createdAt} />
                </td>
                <td className="row gap">
                  <button type="button" className="btn btn-sm" onClick={() => void change(u, { disabled: u.disabledAt === null })}>
                    {u.disabledAt ? 'Enable' : 'Disable'}
                  </button>
                  <button type="button" className="btn btn-sm" onClick={() => void reset(u)}>
                    Reset password
                  </button>
                  <button type="button" className="btn btn-sm" onClick={() => void endSessions(u)}>
                    Sign out everywhere
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
