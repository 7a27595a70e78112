import { useEffect, useState } from 'react';
import { api, qs } from '../api.ts';
import { Empty, ErrorBox, PageHeader, SeverityBadge, SkeletonRows, Time } from '../components.tsx';
import { Link, navigate, useLocation } from '../router.tsx';
import type { AlertAssignees, AlertBulkResult, AlertPage, AlertSort, AlertStatus, AlertView, Severity, SourceList } from '../types.ts';
import { useAsync, useInterval } from '../util.ts';
import './overview.css';

export const SEVERITIES: Severity[] = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFO'];
const STATUSES: AlertStatus[] = ['open', 'acknowledged', 'resolved'];
/** Short labels keep the filter bar on one line at 1920 px; the option's title says it in full. */
const SORTS: Array<{ value: AlertSort; label: string; title: string }> = [
  { value: 'last-event', label: 'Newest event', title: 'Last event, newest first' },
  { value: 'severity', label: 'Most severe', title: 'Severity, most severe first' },
  { value: 'status', label: 'Open first', title: 'Status: open, acknowledged, resolved' },
  { value: 'raised', label: 'Newest raised', title: 'Raised, newest first' },
  { value: 'rule', label: 'Rule', title: 'Rule id, A to Z' },
  { value: 'assignee', label: 'Unassigned first', title: 'Assignee, unassigned first' },
];
/** Alerts per request. */
const PAGE = 100;

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
  const sortParam = loc.query.get('sort') ?? '';
  const sort: AlertSort = SORTS.some((s) => s.value === sortParam) ? (sortParam as AlertSort) : 'last-event';
  const assignee = loc.query.get('assignee') ?? '';
  const sourceId = loc.query.get('sourceId') ?? '';
  const from = loc.query.get('from') ?? '';
  const to = loc.query.get('to') ?? '';
  const filters = { severity: sev.join(','), status: status.join(','), ruleId, assignee, sourceId, from, to, sort: sort === 'last-event' ? '' : sort };
  const assignees = useAsync(() => api.get<AlertAssignees>('/api/alerts/assignees'), []);
  const sources = useAsync(() => api.get<SourceList>('/api/sources'), []);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [bulkAssignee, setBulkAssignee] = useState('');
  const [bulkMessage, setBulkMessage] = useState<string | null>(null);

  const [alerts, setAlerts] = useState<AlertView[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [total, setTotal] = useState(0);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);

  // The first page, on every filter or sort change and every 30 s while only the first page is shown.
  useEffect(() => {
    let live = true;
    // Starting the request is this effect's job, and loading says it started.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setLoading(true);
    api.get<AlertPage>(`/api/alerts${qs({ ...filters, limit: PAGE })}`).then(
      (page) => {
        if (!live) return;
        setAlerts(page.alerts);
        setCursor(page.nextCursor);
        setTotal(page.total);
        setError(null);
        setLoading(false);
      },
      (err: unknown) => {
        if (!live) return;
        setError(err);
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
  }, [loc.href, tick]); // eslint-disable-line react-hooks/exhaustive-deps
  const reload = () => setTick((t) => t + 1);
  useInterval(reload, 30000, (alerts?.length ?? 0) <= PAGE);

  async function loadMore() {
    if (!cursor) return;
    setLoading(true);
    try {
      const page = await api.get<AlertPage>(`/api/alerts${qs({ ...filters, cursor, limit: PAGE })}`);
      setAlerts((prev) => [...(prev ?? []), ...page.alerts]);
      setCursor(page.nextCursor);
      setTotal(page.total);
    } catch (err) {
      setError(err);
    } finally {
      setLoading(false);
    }
  }

  function setFilter(next: { severity?: string[]; status?: string[]; sort?: AlertSort; assignee?: string; sourceId?: string }) {
    const s = next.severity ?? sev;
    const st = next.status ?? status;
    const so = next.sort ?? sort;
    navigate(
      `/alerts${qs({ ...filters, severity: s.join(','), status: st.join(','), assignee: next.assignee ?? assignee, sourceId: next.sourceId ?? sourceId, sort: so === 'last-event' ? '' : so })}`,
      { replace: true },
    );
  }

  async function bulk(action: 'acknowledge' | 'resolve' | 'assign') {
    const ids = [...selected];
    if (ids.length === 0) return;
    try {
      const body = action === 'assign' ? { ids, action, assignee: bulkAssignee === '' ? null : bulkAssignee } : { ids, action };
      const result = await api.post<AlertBulkResult>('/api/alerts/bulk', body);
      setBulkMessage(`${result.updated.length} updated${result.failed.length ? `, ${result.failed.length} not found` : ''}.`);
      setSelected(new Set());
      reload();
    } catch (err) {
      setError(err);
    }
  }
  const allShown = (alerts ?? []).length > 0 && (alerts ?? []).every((a) => selected.has(a.id));

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
        <label className="chip-group">
          <span className="chip-label">Sort</span>
          <select data-testid="alerts-sort" value={sort} title={SORTS.find((s) => s.value === sort)?.title} onChange={(e) => setFilter({ sort: e.target.value as AlertSort })}>
            {SORTS.map((s) => (
              <option key={s.value} value={s.value} title={s.title}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
        <label className="chip-group">
          <span className="chip-label">Assignee</span>
          <select data-testid="filter-assignee" value={assignee} onChange={(e) => setFilter({ assignee: e.target.value })}>
            <option value="">Anyone</option>
            <option value="none">Unassigned</option>
            {(assignees.data?.users ?? []).map((u) => (
              <option key={u} value={u}>
                {u}
              </option>
            ))}
          </select>
        </label>
        <label className="chip-group">
          <span className="chip-label">Source</span>
          <select
            data-testid="filter-source"
            value={sourceId}
            title={sources.data?.sources.find((src) => src.id === sourceId)?.name}
            onChange={(e) => setFilter({ sourceId: e.target.value })}
          >
            <option value="">All</option>
            {(sources.data?.sources ?? []).map((src) => (
              <option key={src.id} value={src.id}>
                {src.name}
              </option>
            ))}
          </select>
        </label>
        {from || to ? (
          <span className="chip-label" data-testid="filter-time">
            Raised {from ? from.slice(0, 16).replace('T', ' ') : '…'} → {to ? to.slice(0, 16).replace('T', ' ') : 'now'} UTC
          </span>
        ) : null}
        {sev.length || status.length || ruleId || assignee || sourceId || from || to ? (
          <button type="button" className="btn-link small" onClick={() => navigate(`/alerts${qs({ sort: filters.sort })}`, { replace: true })}>
            Clear filters{ruleId ? ` (rule ${ruleId})` : ''}
          </button>
        ) : null}
      </div>
      <div className="bulk-bar card" data-testid="bulk-bar">
        <span className="small">{selected.size} selected</span>
        <button type="button" className="btn btn-sm" data-testid="bulk-acknowledge" disabled={selected.size === 0} onClick={() => void bulk('acknowledge')}>
          Acknowledge
        </button>
        <button type="button" className="btn btn-sm" data-testid="bulk-resolve" disabled={selected.size === 0} onClick={() => void bulk('resolve')}>
          Resolve
        </button>
        <select data-testid="bulk-assignee" value={bulkAssignee} onChange={(e) => setBulkAssignee(e.target.value)} aria-label="Assign to">
          <option value="">Nobody</option>
          {(assignees.data?.users ?? []).map((u) => (
            <option key={u} value={u}>
              {u}
            </option>
          ))}
        </select>
        <button type="button" className="btn btn-sm" data-testid="bulk-assign" disabled={selected.size === 0} onClick={() => void bulk('assign')}>
          Assign
        </button>
        {bulkMessage ? (
          <span className="small muted" data-testid="bulk-message">
            {bulkMessage}
          </span>
        ) : null}
      </div>
      <ErrorBox error={error} onRetry={reload} />
      <div className="table-wrap tall">
        <table className="table one-line" data-testid="alerts-table">
          <thead>
            <tr>
              <th className="select-col">
                <input
                  type="checkbox"
                  aria-label="Select all shown"
                  data-testid="select-all"
                  checked={allShown}
                  onChange={() => setSelected(allShown ? new Set() : new Set((alerts ?? []).map((a) => a.id)))}
                />
              </th>
              <th className="col-sev">Severity</th>
              <th>Title</th>
              <th className="col-rule">Rule</th>
              <th className="num col-num">Events</th>
              <th className="col-time col-first" title="Shown on wide screens (1600 px and up); the alert page always shows it">
                First event
              </th>
              <th className="col-time">Last event</th>
              <th className="col-status">Status</th>
              <th className="col-assignee">Assignee</th>
            </tr>
          </thead>
          <tbody>
            {!alerts && loading ? <SkeletonRows cols={9} /> : null}
            {alerts?.map((a) => (
              <tr
                key={a.id}
                data-testid="alert-row"
                data-alert-id={a.id}
                className={`clickable status-row-${a.status}`}
                onClick={(e) => {
                  if (!(e.target as HTMLElement).closest('a, input')) navigate(`/alerts/${encodeURIComponent(a.id)}`);
                }}
              >
                <td className="select-col">
                  <input
                    type="checkbox"
                    aria-label={`Select ${a.title}`}
                    data-testid="alert-select"
                    checked={selected.has(a.id)}
                    onChange={() =>
                      setSelected((prev) => {
                        const next = new Set(prev);
                        if (next.has(a.id)) next.delete(a.id);
                        else next.add(a.id);
                        return next;
                      })
                    }
                  />
                </td>
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
                <td className="nowrap col-first">
                  <Time iso={a.firstEventTime} />
                </td>
                <td className="nowrap">
                  <Time iso={a.lastEventTime} />
                </td>
                <td>
                  <StatusBadge status={a.status} />
                </td>
                <td className="small" data-testid="alert-assignee">
                  {a.assignee ?? <span className="muted">—</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {alerts && alerts.length > 0 ? (
        <div className="row gap load-more">
          <span className="small muted" data-testid="alerts-count">
            Showing {alerts.length} of {total} alerts
          </span>
          {cursor ? (
            <button type="button" className="btn" data-testid="load-more" onClick={() => void loadMore()} disabled={loading}>
              {loading ? 'Loading…' : `Load ${Math.min(PAGE, Math.max(0, total - alerts.length)) || PAGE} more`}
            </button>
          ) : null}
        </div>
      ) : null}
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
