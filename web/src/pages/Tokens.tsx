import { useState, type FormEvent } from 'react';
import { api, enc } from '../api.ts';
import { ErrorBox, PageHeader, SkeletonRows, Time } from '../components.tsx';
import type { ApiTokenCreated, ApiTokenList } from '../types.ts';
import { fromZoneInput, timeZoneLabel, useAsync } from '../util.ts';

const SCOPES = ['read', 'triage', 'admin', 'metrics'] as const;

/** API tokens: create (scopes, optional expiry; never more than you hold), list, revoke. */
export function TokensPage() {
  const q = useAsync(() => api.get<ApiTokenList>('/api/tokens'), []);
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<string[]>(['read']);
  const [expires, setExpires] = useState('');
  const [created, setCreated] = useState<ApiTokenCreated | null>(null);
  const [error, setError] = useState<unknown>(null);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      setCreated(await api.post<ApiTokenCreated>('/api/tokens', { name, scopes, ...(expires ? { expiresAt: fromZoneInput(expires) } : {}) }));
      setName('');
      q.reload();
    } catch (err) {
      setError(err);
    }
  };
  const revoke = async (id: string) => {
    setError(null);
    try {
      await api.del(`/api/tokens/${enc(id)}`);
      q.reload();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <div className="page">
      <PageHeader title="API tokens" sub="For scripts and Prometheus (a metrics-only token). A token never does more than its owner may, and never more than its scopes." />
      <form className="card row gap" onSubmit={(e) => void create(e)} data-testid="token-form">
        <input required placeholder="Name" aria-label="Token name" value={name} onChange={(e) => setName(e.target.value)} />
        {SCOPES.map((s) => (
          <label key={s} className="inline-field">
            <input type="checkbox" checked={scopes.includes(s)} onChange={(e) => setScopes(e.target.checked ? [...scopes, s] : scopes.filter((x) => x !== s))} /> {s}
          </label>
        ))}
        <label className="inline-field">
          <span>Expires ({timeZoneLabel()})</span>
          <input type="datetime-local" value={expires} onChange={(e) => setExpires(e.target.value)} />
        </label>
        <button type="submit" className="btn btn-primary" disabled={scopes.length === 0}>
          Create
        </button>
      </form>
      {created ? (
        <div className="card" data-testid="token-value">
          <div className="small muted">The token "{created.name}", shown this once:</div>
          <input className="mono" readOnly value={created.token} onFocus={(e) => e.target.select()} style={{ width: '100%' }} />
        </div>
      ) : null}
      <ErrorBox error={error ?? q.error} onRetry={q.reload} />
      <div className="table-wrap">
        <table className="table" data-testid="tokens-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Owner</th>
              <th>Scopes</th>
              <th>Created</th>
              <th>Last used</th>
              <th>Expires</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {!q.data && q.loading ? <SkeletonRows cols={7} /> : null}
            {q.data?.tokens.map((t) => (
              <tr key={t.id} data-testid="token-row">
                <td>{t.name}</td>
                <td>{t.username}</td>
                <td className="mono">{t.scopes.join(', ')}</td>
                <td className="nowrap">
                  <Time iso={t.createdAt} />
                </td>
                <td className="nowrap">{t.lastUsedAt ? <Time iso={t.lastUsedAt} /> : 'never'}</td>
                <td className="nowrap">{t.expiresAt ? <Time iso={t.expiresAt} /> : 'never'}</td>
                <td>
                  <button type="button" className="btn btn-sm btn-danger" onClick={() => void revoke(t.id)}>
                    Revoke
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
