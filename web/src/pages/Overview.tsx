import { lazy, Suspense, useMemo, useState } from 'react';
import { api, enc, qs } from '../api.ts';
import { ErrorBox, Loading, PageHeader, SeverityBadge, Time } from '../components.tsx';
import { Link, navigate, useLocation } from '../router.tsx';
import type { Overview, Severity } from '../types.ts';
import { fromZoneInput, timeZoneLabel, toZoneInput, useAsync } from '../util.ts';
import type { ChartSeries } from './OverviewChart.tsx';
import './overview.css';

// uPlot only loads with the charts: the first page's bundle stays small.
const OverviewChart = lazy(() => import('./OverviewChart.tsx'));

const PRESETS = [
  { key: '24h', label: '24 h', ms: 86_400_000 },
  { key: '7d', label: '7 d', ms: 7 * 86_400_000 },
  { key: '30d', label: '30 d', ms: 30 * 86_400_000 },
] as const;
const DEFAULT_RANGE = '7d';

const LOG_TYPE_COLORS: Record<string, string> = { 'Zoom.Activity': '#2563eb', 'Zoom.Operation': '#f59e0b' };
const SEVERITY_COLORS: Record<Severity, string> = { CRITICAL: '#991b1b', HIGH: '#dc2626', MEDIUM: '#f59e0b', LOW: '#2563eb', INFO: '#6b7280' };
const COVERAGE_TITLES: Record<string, string> = { complete: 'complete', open: 'open (still being read)', failed: 'failed', purged: 'purged', none: 'not read' };

/** The range the URL asks for (`range` = 24h | 7d | 30d | custom with `from`/`to`), resolved at `now`. */
export function rangeFromQuery(q: URLSearchParams, now: number): { range: string; from: string; to: string } {
  const preset = PRESETS.find((p) => p.key === (q.get('range') ?? (q.get('from') ? 'custom' : DEFAULT_RANGE)));
  if (preset) return { range: preset.key, from: new Date(now - preset.ms).toISOString(), to: new Date(now).toISOString() };
  const to = q.get('to') ?? new Date(now).toISOString();
  return { range: 'custom', from: q.get('from') ?? new Date(Date.parse(to) - 7 * 86_400_000).toISOString(), to };
}

/** The browser's clock (a preset range ends now). */
function currentTimeMs(): number {
  return Date.now();
}

function formatLag(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

export function OverviewPage() {
  const loc = useLocation();
  // A preset ends "now": when the URL changed, or when a range was last picked.
  const [picked, setPicked] = useState(0);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const range = useMemo(() => rangeFromQuery(loc.query, currentTimeMs()), [loc.href, picked]);
  const data = useAsync(() => api.get<Overview>(`/api/overview${qs({ from: range.from, to: range.to })}`), [range.from, range.to]);
  const [custom, setCustom] = useState({ from: toZoneInput(range.from), to: toZoneInput(range.to) });
  const o = data.data;

  /** The range as URL parameters, for links to events and alerts. */
  const span = (from: string, to: string) => ({ range: 'custom', from, to });
  const whole = span(range.from, range.to);
  const bucketRange = (i: number) => {
    const from = o!.buckets[i]!;
    return span(from, new Date(Date.parse(from) + o!.bucketMs).toISOString());
  };

  const eventSeries: ChartSeries[] = useMemo(() => (o ? o.events.map((e) => ({ label: e.logType, color: LOG_TYPE_COLORS[e.logType] ?? '#10b981', counts: e.counts })) : []), [o]);
  const alertSeries: ChartSeries[] = useMemo(() => (o ? o.alerts.map((a) => ({ label: a.severity, color: SEVERITY_COLORS[a.severity], counts: a.counts })) : []), [o]);
  const openBySeverity = useMemo(() => {
    const m = new Map<Severity, number>();
    for (const r of o?.openAlerts ?? []) m.set(r.severity, (m.get(r.severity) ?? 0) + r.count);
    return m;
  }, [o]);

  function pickRange(key: string) {
    setPicked((n) => n + 1);
    if (key === 'custom') {
      const from = fromZoneInput(custom.from);
      const to = fromZoneInput(custom.to);
      if (from && to) navigate(`/overview${qs({ range: 'custom', from, to })}`);
      return;
    }
    navigate(`/overview${qs({ range: key === DEFAULT_RANGE ? '' : key })}`);
  }

  return (
    <div className="page overview">
      <PageHeader
        title="Overview"
        sub={
          <span>
            {range.from.slice(0, 16).replace('T', ' ')} → {range.to.slice(0, 16).replace('T', ' ')} UTC
          </span>
        }
        actions={
          <div className="range-picker" role="group" aria-label="Time range" data-testid="range-picker">
            {PRESETS.map((p) => (
              <button
                key={p.key}
                type="button"
                className={`chip${range.range === p.key ? ' active' : ''}`}
                aria-pressed={range.range === p.key}
                data-testid={`range-${p.key}`}
                onClick={() => pickRange(p.key)}
              >
                {p.label}
              </button>
            ))}
            <input
              type="datetime-local"
              aria-label={`From (${timeZoneLabel()})`}
              data-testid="range-from"
              value={custom.from}
              onChange={(e) => setCustom({ ...custom, from: e.target.value })}
            />
            <input
              type="datetime-local"
              aria-label={`To (${timeZoneLabel()})`}
              data-testid="range-to"
              value={custom.to}
              onChange={(e) => setCustom({ ...custom, to: e.target.value })}
            />
            <button type="button" className={`chip${range.range === 'custom' ? ' active' : ''}`} data-testid="range-custom" onClick={() => pickRange('custom')}>
              Custom ({timeZoneLabel()})
            </button>
          </div>
        }
      />
      {!o ? data.error ? <ErrorBox error={data.error} onRetry={data.reload} /> : <Loading /> : null}
      {o ? (
        <>
          <div className="overview-grid">
            <section className="card" data-testid="events-chart-card">
              <h2>
                Events over time <span className="muted small">per log type · {o.bucketMs / 3_600_000} h buckets · click a bar for its events</span>
              </h2>
              <Suspense fallback={<Loading />}>
                <OverviewChart testId="events-chart" buckets={o.buckets} series={eventSeries} onPick={(i) => navigate(`/events${qs(bucketRange(i))}`)} />
              </Suspense>
              <div className="small totals">
                {o.events.map((e) => (
                  <Link key={e.logType} to={`/events${qs({ ...whole, logType: e.logType })}`} className="total-link">
                    <span className="swatch" style={{ background: LOG_TYPE_COLORS[e.logType] }} /> {e.logType}: {e.total.toLocaleString()}
                  </Link>
                ))}
              </div>
            </section>
            <section className="card" data-testid="alerts-chart-card">
              <h2>
                Alerts over time <span className="muted small">by severity · click a bar for its alerts</span>
              </h2>
              <Suspense fallback={<Loading />}>
                <OverviewChart testId="alerts-chart" buckets={o.buckets} series={alertSeries} onPick={(i) => navigate(`/alerts${qs(bucketRange(i))}`)} />
              </Suspense>
              <div className="small totals">
                {o.alerts.map((a) => (
                  <Link key={a.severity} to={`/alerts${qs({ ...whole, severity: a.severity })}`} className="total-link">
                    <span className="swatch" style={{ background: SEVERITY_COLORS[a.severity] }} /> {a.severity}: {a.total}
                  </Link>
                ))}
              </div>
            </section>
          </div>

          <div className="overview-grid three">
            <section className="card" data-testid="open-alerts">
              <h2>Open alerts</h2>
              <div className="row gap wrap">
                {[...openBySeverity].map(([severity, count]) => (
                  <Link key={severity} to={`/alerts${qs({ status: 'open', severity })}`} className="open-count">
                    <SeverityBadge severity={severity} /> <strong>{count}</strong>
                  </Link>
                ))}
                {openBySeverity.size === 0 ? <span className="muted">None open.</span> : null}
              </div>
              <ul className="rank-list open-list">
                {o.openAlerts.slice(0, 10).map((r) => (
                  <li key={`${r.ruleId}-${r.severity}`}>
                    <Link to={`/alerts${qs({ status: 'open', ruleId: r.ruleId, severity: r.severity })}`}>{r.ruleDisplayName}</Link> <SeverityBadge severity={r.severity} />
                    <span className="rank-count">{r.count}</span>
                  </li>
                ))}
              </ul>
            </section>
            <section className="card" data-testid="top-operators">
              <h2>
                Top operators <span className="muted small">Operation Logs{o.operations.sampled ? `, newest ${o.operations.read.toLocaleString()}` : ''}</span>
              </h2>
              <RankList
                items={o.operations.topOperators.map((x) => ({
                  key: x.operator,
                  label: x.operator,
                  count: x.count,
                  to: `/events${qs({ ...whole, logType: 'Zoom.Operation', email: x.operator })}`,
                }))}
                empty="No operations in this range."
              />
            </section>
            <section className="card" data-testid="top-settings">
              <h2>Most changed settings</h2>
              <RankList
                items={o.operations.topSettings.map((x) => ({
                  key: x.name,
                  label: x.name,
                  count: x.count,
                  to: `/events${qs({ ...whole, logType: 'Zoom.Operation', change: x.name })}`,
                }))}
                empty="No setting changes in this range."
              />
            </section>
          </div>

          <div className="overview-grid three">
            <section className="card" data-testid="sign-in-countries">
              <h2>Sign-ins by country</h2>
              <RankList
                items={o.signInCountries
                  .slice(0, 12)
                  .map((c) => ({ key: c.country, label: c.country, count: c.count, to: `/events${qs({ ...whole, logType: 'Zoom.Activity', country: c.country })}` }))}
                empty="No located sign-ins in this range."
              />
            </section>
            <section className="card span-2" data-testid="source-health">
              <h2>Sources</h2>
              {o.sources.length === 0 ? (
                <p className="muted">
                  No sources yet. <Link to="/sources/new">Add one</Link>.
                </p>
              ) : (
                <table className="table compact">
                  <tbody>
                    {o.sources.map((s) => (
                      <tr key={s.id}>
                        <td className="source-name-cell" title={s.name}>
                          <Link to={`/sources/${enc(s.id)}`}>{s.name}</Link>
                        </td>
                        <td>
                          <span className={`badge state-${s.state}`} title={s.cause}>
                            {s.state}
                          </span>
                        </td>
                        <td className="coverage-cell">
                          <div className="coverage-strip" data-testid="coverage-strip" aria-label={`Coverage of ${s.name} per day`}>
                            {s.coverage.map((c) => (
                              <Link
                                key={c.day}
                                to={`/events${qs({ range: 'custom', from: `${c.day}T00:00:00.000Z`, to: new Date(Date.parse(`${c.day}T00:00:00Z`) + 86_400_000).toISOString(), sourceId: s.id })}`}
                                className={`cov cov-${c.state}`}
                                title={`${c.day}: ${COVERAGE_TITLES[c.state] ?? c.state}`}
                              />
                            ))}
                          </div>
                        </td>
                        <td className="small muted nowrap">
                          last event <Time iso={s.lastEventTime} relative />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
              <h3>Sinks</h3>
              {o.sinks.length === 0 ? (
                <p className="muted small">No sinks: events are not forwarded.</p>
              ) : (
                <table className="table compact" data-testid="sinks-lag">
                  <thead>
                    <tr>
                      <th>Sink</th>
                      <th className="num">Backlog</th>
                      <th className="num">Lag</th>
                      <th>Last delivered</th>
                    </tr>
                  </thead>
                  <tbody>
                    {o.sinks.map((s) => (
                      <tr key={s.id}>
                        <td>
                          {s.name} <span className="muted small">{s.kind}</span> {s.paused ? <span className="badge">paused</span> : null}
                          {s.consecutiveFailures > 0 ? <span className="badge text-bad">{s.consecutiveFailures} failures</span> : null}
                        </td>
                        <td className="num mono">{s.backlog.toLocaleString()}</td>
                        <td className="num mono">{formatLag(s.lagMs)}</td>
                        <td>
                          <Time iso={s.lastDeliveredAt} relative />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </section>
          </div>
        </>
      ) : null}
    </div>
  );
}

function RankList({ items, empty }: { items: { key: string; label: string; count: number; to: string }[]; empty: string }) {
  if (items.length === 0) return <p className="muted small">{empty}</p>;
  const max = Math.max(...items.map((i) => i.count));
  return (
    <ul className="rank-list">
      {items.map((i) => (
        <li key={i.key}>
          <Link to={i.to} className="rank-label" title={i.label}>
            {i.label}
          </Link>
          <span className="rank-bar" style={{ width: `${Math.max(4, (i.count / max) * 100)}%` }} />
          <span className="rank-count">{i.count.toLocaleString()}</span>
        </li>
      ))}
    </ul>
  );
}
