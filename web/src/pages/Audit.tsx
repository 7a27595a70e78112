import { Fragment, useState } from 'react';
import { api, qs } from '../api.ts';
import { ErrorBox, PageHeader, SkeletonRows, Time } from '../components.tsx';
import { navigate, useLocation } from '../router.tsx';
import type { AuditList } from '../types.ts';
import { useAsync } from '../util.ts';

/** The audit trail (admin): who changed what, when, from where; filters by actor, action and object; NDJSON export. */
export function AuditPage() {
  const loc = useLocation();
  const actor = loc.query.get('actor') ?? '';
  const action = loc.query.get('action') ?? '';
  const objectType = loc.query.get('objectType') ?? '';
  const filters = { actor, action, objectType };
  const q = useAsync(() => api.get<AuditList>(`/api/audit${qs({ ...filters, limit: 500 })}`), [loc.href]);
  const [open, setOpen] = useState<string | null>(null);
  const setQ = (k: string, v: string) => navigate(`/audit${qs({ ...filters, [k]: v })}`, { replace: true });

  return (
    <div className="page">
      <PageHeader
        title="Audit trail"
        sub="Every change made through the console or the API, and every sign-in, with the values before and after (secrets masked). Nothing deletes an entry."
        actions={
          <a className="btn" href={`/api/audit/export${qs({ ...filters, limit: 10000 })}`} data-testid="audit-export">
            Export NDJSON
          </a>
        }
      />
      <div className="filters card row gap">
        {(['actor', 'action', 'objectType'] as const).map((k) => (
          <label key={k} className="inline-field">
            <span>{k === 'objectType' ? 'Object' : k[0]!.toUpperCase() + k.slice(1)}</span>
            <input defaultValue={filters[k]} onKeyDown={(e) => e.key === 'Enter' && setQ(k, e.currentTarget.value)} onBlur={(e) => setQ(k, e.currentTarget.value)} />
          </label>
        ))}
      </div>
      <ErrorBox error={q.error} onRetry={q.reload} />
      <div className="table-wrap tall">
        <table className="table" data-testid="audit-table">
          <thead>
            <tr>
              <th>Time</th>
              <th>Actor</th>
              <th>Address</th>
              <th>Action</th>
              <th>Object</th>
              <th>Outcome</th>
            </tr>
          </thead>
          <tbody>
            {!q.data && q.loading ? <SkeletonRows cols={6} /> : null}
            {q.data?.entries.map((e) => (
              <Fragment key={e.id}>
                <tr data-testid="audit-row" className="clickable" tabIndex={0} onClick={() => setOpen(open === e.id ? null : e.id)}>
                  <td className="nowrap">
                    <Time iso={e.at} />
                  </td>
                  <td>{e.actorKind === 'token' ? `${e.actor} (token)` : e.actor}</td>
                  <td className="mono">{e.address ?? '—'}</td>
                  <td className="mono">{e.action}</td>
                  <td className="mono">{[e.objectType, e.objectId].filter(Boolean).join(':')}</td>
                  <td>{e.outcome}</td>
                </tr>
                {open === e.id ? (
                  <tr className="expand-row">
                    <td colSpan={6}>
                      <pre className="json">{JSON.stringify({ before: e.before, after: e.after, change: e.change }, null, 2)}</pre>
                    </td>
                  </tr>
                ) : null}
              </Fragment>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
