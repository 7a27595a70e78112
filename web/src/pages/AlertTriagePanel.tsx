import { useState } from 'react';
import { api, enc, qs } from '../api.ts';
import { ErrorBox, Time, UserLink } from '../components.tsx';
import { Link } from '../router.tsx';
import { adminOnly, useRole } from '../session-role.ts';
import type { AlertAssignees, AlertHistory, AlertHistoryEntry, AlertView, EventView } from '../types.ts';
import { pick, str, useActionError, useAsync } from '../util.ts';

const HOUR_MS = 3_600_000;

/** The alert's actor (user) and IP address, from its first matched event that has them. */
export function alertActor(events: EventView[]): { email: string; ip: string } {
  let email = '';
  let ip = '';
  for (const ev of events) {
    const e = ev.event;
    email ||= str(pick(e, 'p_udm', 'actor_user')) || str(e.operator) || str(e.email);
    ip ||= str(e.ip_address);
  }
  return { email: email.toLowerCase(), ip };
}

/** The events search around the alert: ±1 h of its events, the same actor. */
export function eventsAroundAlert(alert: AlertView, email: string): string {
  const from = new Date(Date.parse(alert.firstEventTime) - HOUR_MS).toISOString();
  const to = new Date(Date.parse(alert.lastEventTime) + HOUR_MS).toISOString();
  return `/events${qs({ range: 'custom', from, to, email })}`;
}

function describe(h: AlertHistoryEntry): string {
  if (h.kind === 'comment') return 'commented';
  if (h.kind === 'assignee') return h.to ? `assigned to ${h.to}${h.from ? ` (was ${h.from})` : ''}` : `unassigned ${h.from ?? ''}`.trim();
  return `changed status ${h.from ?? '—'} → ${h.to ?? '—'}`;
}

/** Triage of one alert: assignee, comments, its history, links around it, and a suppression for its actor or IP. */
export function AlertTriagePanel({ alert, events, onChange }: { alert: AlertView; events: EventView[]; onChange: (a: AlertView) => void }) {
  const history = useAsync(() => api.get<AlertHistory>(`/api/alerts/${enc(alert.id)}/history`), [alert.id, alert.status, alert.assignee, alert.statusChangedAt]);
  const assignees = useAsync(() => api.get<AlertAssignees>('/api/alerts/assignees'), []);
  const [comment, setComment] = useState('');
  const { error, run } = useActionError();
  const [suppressed, setSuppressed] = useState<string | null>(null);
  // Suppressions are rule tuning: admins only (the API answers 403 to the others).
  const role = useRole();
  const { email, ip } = alertActor(events);

  const assign = (assignee: string) =>
    run(async () => {
      onChange(await api.patch<AlertView>(`/api/alerts/${enc(alert.id)}`, { assignee: assignee === '' ? null : assignee }));
    });
  const addComment = () =>
    run(async () => {
      if (!comment.trim()) return;
      await api.post(`/api/alerts/${enc(alert.id)}/comments`, { note: comment.trim() });
      setComment('');
      history.reload();
    });
  const suppress = (what: 'actor' | 'ip') =>
    run(async () => {
      const match =
        what === 'actor' ? [{ KeyPath: 'p_any_emails[*]', Condition: 'IEquals', Value: email }] : [{ KeyPath: 'p_any_ip_addresses[*]', Condition: 'Equals', Value: ip }];
      await api.post('/api/suppressions', { ruleId: alert.ruleId, match, reason: `From alert ${alert.id}: ${what === 'actor' ? email : ip} is expected` });
      setSuppressed(what === 'actor' ? email : ip);
    });

  return (
    <section className="card triage-panel" data-testid="triage-panel">
      <h2>Triage</h2>
      <div className="triage-row">
        <label className="triage-assignee">
          <span className="chip-label">Assignee</span>
          <select data-testid="alert-assignee-select" value={alert.assignee ?? ''} onChange={(e) => void assign(e.target.value)}>
            <option value="">Nobody</option>
            {(assignees.data?.users ?? []).map((u) => (
              <option key={u} value={u}>
                {u}
              </option>
            ))}
          </select>
        </label>
        <div className="triage-links small">
          {email ? (
            <span>
              Actor <UserLink email={email} /> ·{' '}
              <Link to={eventsAroundAlert(alert, email)} data-testid="events-around-alert">
                Events ±1 h, same actor
              </Link>
            </span>
          ) : (
            <Link to={eventsAroundAlert(alert, '')} data-testid="events-around-alert">
              Events ±1 h
            </Link>
          )}
          {alert.type === 'rule' ? (
            <span className="row gap">
              {email ? (
                <button type="button" className="btn btn-sm" data-testid="suppress-actor" {...adminOnly(role)} onClick={() => void suppress('actor')}>
                  Suppress this rule for {email}
                </button>
              ) : null}
              {ip ? (
                <button type="button" className="btn btn-sm" data-testid="suppress-ip" {...adminOnly(role)} onClick={() => void suppress('ip')}>
                  Suppress for IP {ip}
                </button>
              ) : null}
            </span>
          ) : null}
          {suppressed ? (
            <span data-testid="suppressed">
              Suppression added for {suppressed}: <Link to={`/detections/${enc(alert.ruleId)}`}>see the rule</Link>.
            </span>
          ) : null}
        </div>
      </div>
      <form
        className="comment-form"
        onSubmit={(e) => {
          e.preventDefault();
          void addComment();
        }}
      >
        <textarea
          data-testid="alert-comment"
          value={comment}
          onChange={(e) => setComment(e.target.value)}
          rows={2}
          maxLength={4000}
          placeholder="Add a comment"
          aria-label="Comment"
        />
        <button type="submit" className="btn btn-sm" data-testid="alert-comment-submit" disabled={!comment.trim()}>
          Comment
        </button>
      </form>
      <ErrorBox error={error} />
      <h3>History</h3>
      <ol className="history-list" data-testid="alert-history">
        {(history.data?.history ?? []).length === 0 ? <li className="muted small">No changes yet.</li> : null}
        {(history.data?.history ?? []).map((h) => (
          <li key={h.id} data-testid="history-entry" data-kind={h.kind}>
            <span className="history-when small muted">
              <Time iso={h.at} />
            </span>{' '}
            <strong>{h.actor}</strong> {describe(h)}
            {h.note ? <span className="history-note"> — {h.note}</span> : null}
          </li>
        ))}
      </ol>
    </section>
  );
}
