import { api } from '../api.ts';
import { Empty, ErrorBox, PageHeader, SkeletonRows, Sparkline, StateBadge, Time } from '../components.tsx';
import { Link, navigate } from '../router.tsx';
import type { SourceList } from '../types.ts';
import { useAsync, useInterval } from '../util.ts';

export const AUTH_LABEL: Record<string, string> = {
  s2s: 'Server-to-Server OAuth',
  authorization_code: 'OAuth app (authorization code)',
};

export function SourcesPage() {
  const q = useAsync(() => api.get<SourceList>('/api/sources'), []);
  useInterval(q.reload, 30000, true);
  const sources = q.data?.sources;

  return (
    <div className="page">
      <PageHeader
        title="Log sources"
        sub="Zoom accounts whose Sign In/Sign Out and Operation logs are collected."
        actions={
          <Link to="/sources/new" className="btn btn-primary" data-testid="create-source">
            + Create New
          </Link>
        }
      />
      <ErrorBox error={q.error} onRetry={q.reload} />
      {sources && sources.length === 0 ? (
        <Empty title="No sources yet">
          <p>Connect a Zoom account to start collecting its audit logs.</p>
          <button type="button" className="btn btn-primary" data-testid="empty-create-source" onClick={() => navigate('/sources/new')}>
            Create your first Zoom source
          </button>
        </Empty>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="sources-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Auth</th>
                <th>State</th>
                <th>Last event</th>
                <th className="num">Events 24 h</th>
                <th>Per hour</th>
                <th>Last error</th>
              </tr>
            </thead>
            <tbody>
              {!sources && q.loading ? <SkeletonRows cols={7} rows={3} /> : null}
              {sources?.map((s) => (
                <tr
                  key={s.id}
                  data-testid="source-row"
                  data-source-id={s.id}
                  className="clickable"
                  onClick={(e) => {
                    if ((e.target as HTMLElement).closest('a,button')) return;
                    navigate(s.state === 'setup_incomplete' ? `/sources/${encodeURIComponent(s.id)}/setup?step=credentials` : `/sources/${encodeURIComponent(s.id)}`);
                  }}
                >
                  <td>
                    <Link to={`/sources/${encodeURIComponent(s.id)}`} className="strong">
                      {s.name}
                    </Link>
                    <div className="mono muted small">{s.id}</div>
                  </td>
                  <td>{AUTH_LABEL[s.authKind] ?? s.authKind}</td>
                  <td>
                    <StateBadge state={s.state} title={s.stateSince ? `since ${s.stateSince}` : undefined} />
                    <div className="small detail state-cause" data-testid="state-cause">
                      {s.stateCause}
                    </div>
                    {s.stateFix ? (
                      <div className="small muted state-fix" data-testid="state-fix">
                        <strong>Fix: </strong>
                        {s.stateFix}
                      </div>
                    ) : null}
                    {s.state === 'setup_incomplete' ? (
                      <Link to={`/sources/${encodeURIComponent(s.id)}/setup?step=credentials`} className="small">
                        Continue setup →
                      </Link>
                    ) : null}
                  </td>
                  <td>
                    <Time iso={s.lastEventTime} relative />
                  </td>
                  <td className="num mono">{s.eventsLast24h.toLocaleString()}</td>
                  <td>
                    <Sparkline values={s.sparkline} />
                  </td>
                  <td className="small">
                    {s.lastError ? (
                      <span className="text-bad" title={`${s.lastError.code} at ${s.lastError.at}\nFix: ${s.lastError.fix}`}>
                        {s.lastError.message}
                      </span>
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
