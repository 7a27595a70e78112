import { useState } from 'react';
import { api, enc } from '../api.ts';
import { ErrorBox, JsonDrawer, Loading, PageHeader, SeverityBadge, LinkedEmails, Time, UserLink } from '../components.tsx';
import { Link } from '../router.tsx';
import type { AlertDetail, AlertStatus, AlertView, EventView } from '../types.ts';
import { pick, str, useAsync } from '../util.ts';
import { StatusBadge } from './Alerts.tsx';
import { SignInEvidence } from './SignInEvidence.tsx';
import { SignInMapPanel } from './SignInMapPanel.tsx';
import { AlertTriagePanel } from './AlertTriagePanel.tsx';

const ACTIONS: { status: AlertStatus; label: string; when: AlertStatus[] }[] = [
  { status: 'acknowledged', label: 'Acknowledge', when: ['open'] },
  { status: 'resolved', label: 'Resolve', when: ['open', 'acknowledged'] },
  { status: 'open', label: 'Reopen', when: ['acknowledged', 'resolved'] },
];

function isUrl(s: string): boolean {
  return /^https?:\/\/\S+$/i.test(s.trim());
}

export function AlertDetailPage({ id }: { id: string }) {
  const q = useAsync(() => api.get<AlertDetail>(`/api/alerts/${enc(id)}`), [id]);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [selected, setSelected] = useState<EventView | null>(null);

  if (!q.data) return <div className="page">{q.error ? <ErrorBox error={q.error} onRetry={q.reload} /> : <Loading />}</div>;
  const { alert: a, rule, events, deliveries } = q.data;

  async function setStatus(status: AlertStatus) {
    setBusy(true);
    setError(null);
    try {
      const body: { status: AlertStatus; note?: string } = { status };
      if (note.trim()) body.note = note.trim();
      const updated = await api.patch<AlertView>(`/api/alerts/${enc(id)}`, body);
      q.setData({ ...q.data!, alert: updated });
      setNote('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="page">
      <PageHeader
        title={
          <span data-testid="alert-title">
            <LinkedEmails text={a.title} />
          </span>
        }
        sub={
          <span className="row gap">
            <SeverityBadge severity={a.severity} />{' '}
            <span data-testid="alert-status">
              <StatusBadge status={a.status} />
            </span>
            <span>
              {a.type === 'system' ? 'System alert' : 'Rule'} <strong>{a.ruleDisplayName}</strong> <span className="mono muted">{a.ruleId}</span>
            </span>
          </span>
        }
      />
      <AlertTriagePanel alert={a} events={events} onChange={(updated) => q.setData({ ...q.data!, alert: updated })} />
      <SignInEvidence ruleId={a.ruleId} context={a.context} />
      {a.ruleId.startsWith('Zoom.SignIn.') ? <SignInMapPanel alertId={a.id} title="Where these sign-ins were" /> : null}
      <div className="grid-2">
        <section className="card">
          <h2>Summary</h2>
          <dl className="kv">
            <dt>Events</dt>
            <dd className="mono">{a.eventCount}</dd>
            <dt>First event</dt>
            <dd>
              <Time iso={a.firstEventTime} />
            </dd>
            <dt>Last event</dt>
            <dd>
              <Time iso={a.lastEventTime} />
            </dd>
            <dt>Raised</dt>
            <dd>
              <Time iso={a.raisedAt} />{' '}
              <span className="muted small">
                (<Time iso={a.raisedAt} relative />)
              </span>
            </dd>
            <dt>Dedup key</dt>
            <dd className="mono">{a.dedup}</dd>
            <dt>Status changed</dt>
            <dd>
              <Time iso={a.statusChangedAt} />
            </dd>
            {a.statusNote ? (
              <>
                <dt>Note</dt>
                <dd className="prewrap">{a.statusNote}</dd>
              </>
            ) : null}
          </dl>
          <form
            className="status-form"
            onSubmit={(e) => {
              e.preventDefault();
            }}
          >
            <label className="field">
              <span>
                Note <span className="muted">(optional, saved with the status change)</span>
              </span>
              <textarea data-testid="status-note" value={note} onChange={(e) => setNote(e.target.value)} rows={2} maxLength={2000} />
            </label>
            <div className="row gap">
              {ACTIONS.filter((x) => x.when.includes(a.status)).map((x) => (
                <button
                  key={x.status}
                  type="button"
                  className={`btn${x.status === 'resolved' ? ' btn-primary' : ''}`}
                  data-testid={`alert-${x.label.toLowerCase()}`}
                  disabled={busy}
                  onClick={() => void setStatus(x.status)}
                >
                  {x.label}
                </button>
              ))}
            </div>
            <ErrorBox error={error} />
          </form>
        </section>
        <section className="card">
          <h2>Rule</h2>
          {rule ? (
            <dl className="kv">
              <dt>Description</dt>
              <dd className="prewrap">{rule.description || <span className="muted">—</span>}</dd>
              <dt>Runbook</dt>
              <dd className="prewrap">{rule.runbook || <span className="muted">—</span>}</dd>
              <dt>Reference</dt>
              <dd>
                {rule.reference ? (
                  isUrl(rule.reference) ? (
                    <a href={rule.reference.trim()} target="_blank" rel="noreferrer noopener">
                      {rule.reference}
                    </a>
                  ) : (
                    rule.reference
                  )
                ) : (
                  <span className="muted">—</span>
                )}
              </dd>
              {rule.tags.length ? (
                <>
                  <dt>Tags</dt>
                  <dd>
                    {rule.tags.map((t) => (
                      <span key={t} className="badge">
                        {t}
                      </span>
                    ))}
                  </dd>
                </>
              ) : null}
              {rule.mitre.length ? (
                <>
                  <dt>MITRE ATT&amp;CK</dt>
                  <dd>
                    {rule.mitre.map((t) => (
                      <span key={t} className="badge mono">
                        {t}
                      </span>
                    ))}
                  </dd>
                </>
              ) : null}
            </dl>
          ) : (
            <p className="muted">{a.type === 'system' ? 'A system alert raised by Zoomtrail itself.' : 'The rule no longer exists.'}</p>
          )}
          <h3>Alert context (raw)</h3>
          <pre className="json small-json" data-testid="alert-context">
            {JSON.stringify(a.context, null, 2)}
          </pre>
        </section>
      </div>

      <section className="card">
        <h2>
          Timeline of matched events{' '}
          <span className="muted small">
            ({events.length}
            {a.eventCount > events.length ? ` of ${a.eventCount}` : ''})
          </span>
        </h2>
        {events.length === 0 ? (
          <p className="muted">
            {a.type === 'rule' && a.eventCount > 0
              ? 'Its events are no longer stored: deleted by retention (or with their source). The alert stays as the record of what happened.'
              : 'No events are attached to this alert.'}
          </p>
        ) : (
          <div className="table-wrap">
            <table className="table events" data-testid="alert-events-table">
              <thead>
                <tr>
                  <th>p_event_time</th>
                  <th>p_log_type</th>
                  <th>Actor</th>
                  <th>Category / action</th>
                  <th>Detail / IP</th>
                </tr>
              </thead>
              <tbody>
                {events.map((ev) => {
                  const e = ev.event;
                  const detail = ev.logType === 'Zoom.Activity' ? str(e.ip_address) : str(e.operation_detail);
                  return (
                    <tr
                      key={ev.rowId}
                      data-testid="event-row"
                      className="clickable"
                      tabIndex={0}
                      onClick={() => setSelected(ev)}
                      onKeyDown={(k) => k.key === 'Enter' && setSelected(ev)}
                    >
                      <td className="mono nowrap">
                        <Time iso={ev.eventTime} />
                      </td>
                      <td className="mono">{ev.logType}</td>
                      <td className="mono">
                        <UserLink email={str(pick(e, 'p_udm', 'actor_user'))} />
                      </td>
                      <td>{ev.logType === 'Zoom.Activity' ? str(e.type) : [str(e.category_type), str(e.action)].filter(Boolean).join(' / ')}</td>
                      <td className="detail-cell" title={detail}>
                        <LinkedEmails text={detail} />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section className="card">
        <h2>Deliveries</h2>
        {deliveries.length === 0 ? (
          <p className="muted">
            Not sent anywhere. <Link to="/destinations">Add a destination</Link> to be notified.
          </p>
        ) : (
          <table className="table" data-testid="deliveries-table">
            <thead>
              <tr>
                <th>Destination</th>
                <th>Notice</th>
                <th>State</th>
                <th className="num">Attempts</th>
                <th>Delivered</th>
                <th>Last error</th>
              </tr>
            </thead>
            <tbody>
              {deliveries.map((d) => (
                <tr key={d.id}>
                  <td>{d.destinationName}</td>
                  <td>{d.notice}</td>
                  <td>
                    <span className={`badge delivery-${d.state}`}>{d.state}</span>
                  </td>
                  <td className="num mono">{d.attempts}</td>
                  <td>
                    <Time iso={d.deliveredAt} />
                  </td>
                  <td className="small text-bad">{d.lastError ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {selected ? <JsonDrawer title={`${selected.logType} · ${selected.rowId}`} value={selected.event} onClose={() => setSelected(null)} /> : null}
    </div>
  );
}
