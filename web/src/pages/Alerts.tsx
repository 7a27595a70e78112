import { api, qs } from '../api.ts';
import { Empty, ErrorBox, PageHeader, SeverityBadge, SkeletonRows, Time } from '../components.tsx';
import { Link, navigate, useLocation } from '../router.tsx';
import type { AlertStatus, AlertView, Severity } from '../types.ts';
import { useAsync, useInterval } from '../util.ts';

export const SEVERITIES: Severity[] = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFO'];
const STATUSES: AlertStatus[] = ['open', 'acknowledged', 'resolved'];

export function StatusBadge({ status }: { status: AlertStatus }) {
  return <span className={`badge status status-${status}`}>{status}</span>;
}

function toggle(list: string[], v: string): string[] {
  return list.includes(v) ? list.filter((x) => x !== v) : [...list, v];
}

export function AlertsPage() {
  const loc = useLocation();
  const sev = (loc.query.get('severity') ?? '').split(',').filter(Boolean);
  const status = (loc.query.get('status') ?? '').split(',').filter(Boolean);
  const ruleId = loc.query.get('ruleId') ?? '';
  const q = useAsync(
    () => api.get<{ alerts: AlertView[] }>(`/api/alerts${qs({ severity: sev.join(','), status: status.join(','), ruleId, limit: 500 })}`),
    [loc.href],
  );
  useInterval(q.reload, 30000, true);

  function setFilter(next: { severity?: string[]; status?: string[] }) {
    const s = next.severity ?? sev;
    const st = next.status ?? status;
    navigate(`/alerts${qs({ severity: s.join(','), status: st.join(','), ruleId })}`, { replace: true });
  }

  const alerts = q.data?.alerts;
  return (
    <div className="page">
      <PageHeader title="Alerts" sub="Raised by detections (rules) and by the system (log drop-off, collection failures)." />
      <div className="chips-bar card">
        <div className="chip-group" role="group" aria-label="Severity">
          <span className="chip-label">Severity</span>
          {SEVERITIES.map((s) => (
            <button
              key={s}
              type="button"
              className={`chip sev-chip sev-${s.toLowerCase()}${sev.includes(s) ? ' active' : ''}`}
              aria-pressed={sev.includes(s)}
              data-testid={`filter-severity-${s}`}
              onClick={() => setFilter({ severity: toggle(sev, s) })}
            >
              {s}
            </button>
          ))}
        </div>
        <div className="chip-group" role="group" aria-label="Status">
          <span className="chip-label">Status</span>
          {STATUSES.map((s) => (
            <button
              key={s}
              type="button"
              className={`chip${status.includes(s) ? ' active' : ''}`}
              aria-pressed={status.includes(s)}
              data-testid={`filter-status-${s}`}
              onClick={() => setFilter({ status: toggle(status, s) })}
            >
              {s}
            </button>
          ))}
        </div>
        {sev.length || status.length || ruleId ? (
          <button type="button" className="btn-link small" onClick={() => navigate('/alerts', { replace: true })}>
            Clear filters{ruleId ? ` (rule ${ruleId})` : ''}
          </button>
        ) : null}
      </div>
      <ErrorBox error={q.error} onRetry={q.reload} />
      <div className="table-wrap tall">
        <table className="table" data-testid="alerts-table">
          <thead>
            <tr>
              <th>Severity</th>
              <th>Title</th>
              <th>Rule</th>
              <th className="num">Events</th>
              <th>First event</th>
              <th>Last event</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {!alerts && q.loading ? <SkeletonRows cols={7} /> : null}
            {alerts?.map((a) => (
              <tr
                key={a.id}
                data-testid="alert-row"
                data-alert-id={a.id}
                className={`clickable status-row-${a.status}`}
                onClick={(e) => {
                  if (!(e.target as HTMLElement).closest('a')) navigate(`/alerts/${encodeURIComponent(a.id)}`);
                }}
              >
                <td>
                  <SeverityBadge severity={a.severity} />
                </td>
                <td>
                  <Link to={`/alerts/${encodeURIComponent(a.id)}`} className="strong">
                    {a.title}
                  </Link>
                </td>
                <td>
                  {a.type === 'system' ? <span className="badge">system</span> : null} {a.ruleDisplayName}
                  <div className="mono muted small">{a.ruleId}</div>
                </td>
                <td className="num mono">{a.eventCount}</td>
                <td className="nowrap">
                  <Time iso={a.firstEventTime} />
                </td>
                <td className="nowrap">
                  <Time iso={a.lastEventTime} />
                </td>
                <td>
                  <StatusBadge status={a.status} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {alerts && alerts.length === 0 ? (
        <Empty title={sev.length || status.length ? 'No alerts match these filters' : 'No alerts yet'}>
          {sev.length || status.length
            ? 'Clear a chip to widen the list.'
            : 'Alerts appear when an enabled detection matches an event. Check that detections are enabled and that sources are collecting.'}
        </Empty>
      ) : null}
    </div>
  );
}
