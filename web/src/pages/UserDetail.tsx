import { useState } from 'react';
import { api, enc, qs } from '../api.ts';
import { Empty, ErrorBox, LinkedEmails, Loading, PageHeader, SeverityBadge, Time } from '../components.tsx';
import { Link } from '../router.tsx';
import type { UserActivity } from '../types.ts';
import { str, useAsync } from '../util.ts';
import { StatusBadge } from './Alerts.tsx';
import { SignInMapPanel } from './SignInMapPanel.tsx';

const SPANS = [30, 90, 180] as const;
const DAY_MS = 86_400_000;

/** Sign-ins and operations per day over the span, as bars (sign-ins up, operations down). */
function Timeline({ data, days }: { data: UserActivity; days: number }) {
  const end = Date.parse(data.until);
  const start = end - days * DAY_MS;
  const signIns = new Map(data.signIns.byDay.map((d) => [d.day, d.signIns]));
  const ops = new Map(data.operationsByDay.map((d) => [d.day, d.operations]));
  const cols = Array.from({ length: days }, (_, i) => new Date(start + (i + 1) * DAY_MS).toISOString().slice(0, 10));
  const max = Math.max(1, ...cols.map((d) => Math.max(signIns.get(d) ?? 0, ops.get(d) ?? 0)));
  const w = 900;
  const h = 120;
  const bw = w / days;
  return (
    <svg className="timeline" viewBox={`0 0 ${w} ${h}`} role="img" aria-label="Sign-ins and operations per day" data-testid="user-timeline">
      <line x1={0} x2={w} y1={h / 2} y2={h / 2} className="timeline-axis" />
      {cols.map((d, i) => {
        const s = ((signIns.get(d) ?? 0) / max) * (h / 2 - 4);
        const o = ((ops.get(d) ?? 0) / max) * (h / 2 - 4);
        return (
          <g key={d}>
            <title>{`${d}: ${signIns.get(d) ?? 0} sign-ins, ${ops.get(d) ?? 0} operations`}</title>
            {s > 0 ? <rect x={i * bw + 0.5} y={h / 2 - s} width={Math.max(1, bw - 1)} height={s} className="bar-sign-ins" /> : null}
            {o > 0 ? <rect x={i * bw + 0.5} y={h / 2} width={Math.max(1, bw - 1)} height={o} className="bar-operations" /> : null}
          </g>
        );
      })}
    </svg>
  );
}

function FirstLast({ first, last }: { first: string; last: string }) {
  return (
    <>
      <td className="nowrap">
        <Time iso={first} />
      </td>
      <td className="nowrap">
        <Time iso={last} />
      </td>
    </>
  );
}

export function UserDetailPage({ email }: { email: string }) {
  const [days, setDays] = useState<number>(90);
  const q = useAsync(() => api.get<UserActivity>(`/api/users/${enc(email)}/activity${qs({ days })}`), [email, days]);
  const d = q.data;
  return (
    <div className="page" data-testid="user-page">
      <PageHeader
        title={
          <span className="mono" data-testid="user-email">
            {email}
          </span>
        }
        sub={
          d ? (
            <span>
              {d.signIns.total} sign-ins and {d.operationsScanned} operations naming them in the last {days} days · {d.countries.length} countr
              {d.countries.length === 1 ? 'y' : 'ies'} · {d.networks.length} network{d.networks.length === 1 ? '' : 's'} · {d.alerts.length} alert
              {d.alerts.length === 1 ? '' : 's'}
            </span>
          ) : null
        }
        actions={
          <span className="row gap">
            {SPANS.map((s) => (
              <button key={s} type="button" className={`btn${s === days ? ' btn-primary' : ''}`} data-testid={`user-days-${s}`} onClick={() => setDays(s)}>
                {s} d
              </button>
            ))}
            <Link to={`/events${qs({ email })}`} className="btn">
              Events
            </Link>
          </span>
        }
      />
      {q.error ? <ErrorBox error={q.error} onRetry={q.reload} /> : null}
      {!d ? (
        q.error ? null : (
          <Loading />
        )
      ) : (
        <>
          <section className="card">
            <h2>
              Over time <span className="muted small">(sign-ins above the line, operations below)</span>
            </h2>
            <Timeline data={d} days={days} />
            {d.truncated ? <p className="small muted">Operations and devices count the newest {d.activitiesScanned} records of each kind only.</p> : null}
          </section>
          <section className="card">
            <h2>Alerts naming them</h2>
            {d.alerts.length === 0 ? (
              <p className="muted">No alert holds events of this user.</p>
            ) : (
              <table className="table" data-testid="user-alerts">
                <thead>
                  <tr>
                    <th>Severity</th>
                    <th>Status</th>
                    <th>Alert</th>
                    <th>Last event</th>
                  </tr>
                </thead>
                <tbody>
                  {d.alerts.map((a) => (
                    <tr key={a.id}>
                      <td>
                        <SeverityBadge severity={a.severity} />
                      </td>
                      <td>
                        <StatusBadge status={a.status} />
                      </td>
                      <td>
                        <Link to={`/alerts/${enc(a.id)}`}>{a.title}</Link> <span className="mono muted small">{a.ruleId}</span>
                      </td>
                      <td className="nowrap">
                        <Time iso={a.lastEventTime} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
          <div className="grid-2">
            <section className="card">
              <h2>Countries</h2>
              <table className="table" data-testid="user-countries">
                <thead>
                  <tr>
                    <th>Country</th>
                    <th className="num">Sign-ins</th>
                    <th>First seen</th>
                    <th>Last seen</th>
                  </tr>
                </thead>
                <tbody>
                  {d.countries.map((c) => (
                    <tr key={c.country}>
                      <td className="mono">{c.country}</td>
                      <td className="num mono">{c.signIns}</td>
                      <FirstLast first={c.firstSeen} last={c.lastSeen} />
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
            <section className="card">
              <h2>Networks</h2>
              <table className="table" data-testid="user-networks">
                <thead>
                  <tr>
                    <th>ASN</th>
                    <th>Organisation</th>
                    <th className="num">Sign-ins</th>
                    <th>First seen</th>
                    <th>Last seen</th>
                  </tr>
                </thead>
                <tbody>
                  {d.networks.map((n) => (
                    <tr key={n.asn}>
                      <td className="mono">AS{n.asn}</td>
                      <td>{n.org ?? <span className="muted">—</span>}</td>
                      <td className="num mono">{n.signIns}</td>
                      <FirstLast first={n.firstSeen} last={n.lastSeen} />
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
            <section className="card">
              <h2>Addresses</h2>
              <table className="table" data-testid="user-ips">
                <thead>
                  <tr>
                    <th>IP</th>
                    <th>Place</th>
                    <th className="num">Sign-ins</th>
                    <th>First seen</th>
                    <th>Last seen</th>
                  </tr>
                </thead>
                <tbody>
                  {d.ips.map((i) => (
                    <tr key={i.ip}>
                      <td className="mono">
                        <Link to={`/events${qs({ ip: i.ip })}`}>{i.ip}</Link>
                      </td>
                      <td className="mono">{i.country ? `${i.country}${i.asn === null ? '' : ` · AS${i.asn}`}` : <span className="muted">no place</span>}</td>
                      <td className="num mono">{i.signIns}</td>
                      <FirstLast first={i.firstSeen} last={i.lastSeen} />
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
            <section className="card">
              <h2>Devices and client versions</h2>
              <table className="table" data-testid="user-devices">
                <thead>
                  <tr>
                    <th>Client</th>
                    <th>Version</th>
                    <th className="num">Records</th>
                    <th>First seen</th>
                    <th>Last seen</th>
                  </tr>
                </thead>
                <tbody>
                  {d.devices.map((v) => (
                    <tr key={`${v.clientType}/${v.version}`}>
                      <td>{v.clientType}</td>
                      <td className="mono">{v.version}</td>
                      <td className="num mono">{v.records}</td>
                      <FirstLast first={v.firstSeen} last={v.lastSeen} />
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          </div>
          <SignInMapPanel email={email} days={days} title="Where they signed in" />
          <section className="card">
            <h2>Latest operations naming them</h2>
            {d.operations.length === 0 ? (
              <Empty title="No operations">No operation log names this user in the span.</Empty>
            ) : (
              <table className="table events" data-testid="user-operations">
                <thead>
                  <tr>
                    <th>Time</th>
                    <th>Operator</th>
                    <th>Category / action</th>
                    <th>Detail</th>
                  </tr>
                </thead>
                <tbody>
                  {d.operations.map((ev) => (
                    <tr key={ev.rowId}>
                      <td className="nowrap mono">
                        <Time iso={ev.eventTime} />
                      </td>
                      <td className="mono">
                        <LinkedEmails text={str(ev.event.operator)} />
                      </td>
                      <td>{[str(ev.event.category_type), str(ev.event.action)].filter(Boolean).join(' / ')}</td>
                      <td className="detail-cell">
                        <LinkedEmails text={str(ev.event.operation_detail)} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
          <section className="card">
            <h2>Latest sign-ins</h2>
            <table className="table" data-testid="user-sign-ins">
              <thead>
                <tr>
                  <th>Time</th>
                  <th>IP</th>
                  <th>Country</th>
                  <th>ASN</th>
                </tr>
              </thead>
              <tbody>
                {d.signIns.recent.map((s) => (
                  <tr key={s.rowId}>
                    <td className="nowrap mono">
                      <Time iso={s.time} />
                    </td>
                    <td className="mono">{s.ip ?? '—'}</td>
                    <td className="mono">{s.country ?? <span className="muted">no place</span>}</td>
                    <td className="mono">{s.asn === null ? '—' : `AS${s.asn}`}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        </>
      )}
    </div>
  );
}
