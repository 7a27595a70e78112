import { useState, type FormEvent } from 'react';
import { api, enc } from '../api.ts';
import { Empty, ErrorBox, Loading, Options, PageHeader, SeverityBadge, Time } from '../components.tsx';
import { Link } from '../router.tsx';
import type { BacktestResult, CreateSuppressionRequest, DestinationList, RulePatch, RuleSource, RuleView, Severity, SuppressionList, SuppressionView } from '../types.ts';
import { onAsync, useAsync } from '../util.ts';
import { SEVERITIES } from './Alerts.tsx';
import { RuleTestList } from './Detections.tsx';
import { HighlightedCode } from '../highlighted-code.tsx';

/** /detections/<id>: a rule's metadata, runbook, source, tests, tuning, backtest and suppressions. */
export function RuleDetailPage({ id }: { id: string }) {
  const q = useAsync(() => api.get<RuleView>(`/api/rules/${enc(id)}`), [id]);
  const rule = q.data;
  return (
    <div className="page">
      <p className="small">
        <Link to="/detections">← Detections</Link>
      </p>
      <ErrorBox error={q.error} onRetry={q.reload} />
      {!rule && q.loading ? <Loading /> : null}
      {rule ? (
        <>
          <PageHeader
            title={
              <>
                <SeverityBadge severity={rule.severity} /> {rule.displayName}
              </>
            }
            sub={
              <span className="mono small">
                {rule.id} · {rule.source} · {rule.enabled ? 'enabled' : 'disabled'}
                {rule.history?.learning ? ` · learning until ${rule.history.learningUntil ?? ''}` : ''}
              </span>
            }
          />
          {rule.disabledReason ? (
            <div className="callout bad" role="alert">
              {rule.disabledReason}
            </div>
          ) : null}
          <section className="card" data-testid="rule-metadata">
            <p className="prewrap">{rule.description}</p>
            {rule.runbook ? (
              <p className="prewrap" data-testid="rule-runbook">
                <strong>Runbook: </strong>
                {rule.runbook}
              </p>
            ) : null}
            <p className="small">
              Log types: <span className="mono">{rule.logTypes.join(', ')}</span>
              {rule.tags.length || rule.mitre.length ? ' · ' : ''}
              {[...rule.tags, ...rule.mitre].map((t) => (
                <span key={t} className="badge">
                  {t}
                </span>
              ))}
            </p>
            {rule.history ? (
              <p className="small mono" data-testid="rule-history-settings">
                {Object.entries(rule.history.settings)
                  .map(([k, v]) => `${k}=${v}`)
                  .join(' ')}{' '}
                <span className="muted">(ZOOMTRAIL_HISTORY_* settings)</span>
              </p>
            ) : null}
            <Link to={`/alerts?ruleId=${enc(rule.id)}`}>{rule.alertsLast7Days} alert(s) in 7 days →</Link>
          </section>
          <TuningCard rule={rule} onSaved={(updated) => q.setData(updated)} />
          <TestsCard rule={rule} />
          {rule.source !== 'built-in' ? <SourceCard id={rule.id} /> : null}
          <SuppressionsCard ruleId={rule.id} onChanged={q.reload} />
          <BacktestCard id={rule.id} />
        </>
      ) : null}
    </div>
  );
}

function TuningCard({ rule, onSaved }: { rule: RuleView; onSaved: (r: RuleView) => void }) {
  const destinations = useAsync(() => api.get<DestinationList>('/api/destinations'), []);
  const t = rule.tuning;
  const [enabled, setEnabled] = useState(t?.enabled === null || t?.enabled === undefined ? '' : String(t.enabled));
  const [severity, setSeverity] = useState<string>(t?.severity ?? '');
  const [dedup, setDedup] = useState(t?.dedupPeriodMinutes?.toString() ?? '');
  const [threshold, setThreshold] = useState(t?.threshold?.toString() ?? '');
  const [routes, setRoutes] = useState<string[]>(t?.destinations ?? []);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function save(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    // An empty field clears the override: the rule's own value applies.
    const patch: RulePatch = {
      enabled: enabled === '' ? null : enabled === 'true',
      severity: severity === '' ? null : (severity as Severity),
      dedupPeriodMinutes: dedup.trim() === '' ? null : Number(dedup),
      threshold: threshold.trim() === '' ? null : Number(threshold),
      destinations: routes.length === 0 ? null : routes,
    };
    try {
      onSaved(await api.patch<RuleView>(`/api/rules/${enc(rule.id)}`, patch));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  async function reset() {
    setBusy(true);
    setError(null);
    try {
      const updated = await api.del(`/api/rules/${enc(rule.id)}/tuning`).then(() => api.get<RuleView>(`/api/rules/${enc(rule.id)}`));
      setEnabled('');
      setSeverity('');
      setDedup('');
      setThreshold('');
      setRoutes([]);
      onSaved(updated);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const d = rule.defaults;
  return (
    <form className="card" onSubmit={onAsync(save)} aria-label="Tuning" data-testid="rule-tuning">
      <h2>Tuning</h2>
      <p className="small muted">
        Empty keeps the rule&apos;s own value (shown as the default).
        {t ? ` Last changed by ${t.updatedBy}, ` : ' Not tuned.'}
        {t ? <Time iso={t.updatedAt} relative /> : null}
      </p>
      <ErrorBox error={error} />
      <div className="filter-grid">
        <label className="field">
          <span>Enabled (default {d.enabled ? 'yes' : 'no'})</span>
          <select value={enabled} onChange={(e) => setEnabled(e.target.value)} data-testid="tune-enabled">
            <option value="">default</option>
            <option value="true">yes</option>
            <option value="false">no</option>
          </select>
        </label>
        <label className="field">
          <span>Severity (default {d.severity})</span>
          <select value={severity} onChange={(e) => setSeverity(e.target.value)} data-testid="tune-severity">
            <option value="">default</option>
            <Options values={SEVERITIES} />
          </select>
        </label>
        <label className="field">
          <span>Dedup minutes (default {d.dedupPeriodMinutes})</span>
          <input type="number" min={1} max={43200} value={dedup} onChange={(e) => setDedup(e.target.value)} data-testid="tune-dedup" />
        </label>
        <label className="field">
          <span>Threshold (default {d.threshold})</span>
          <input type="number" min={1} value={threshold} onChange={(e) => setThreshold(e.target.value)} data-testid="tune-threshold" />
        </label>
        <label className="field">
          <span>Destinations (none chosen: each destination&apos;s own filters)</span>
          <select
            multiple
            value={routes}
            onChange={(e) => setRoutes([...e.target.selectedOptions].map((o) => o.value))}
            data-testid="tune-destinations"
            aria-label="Destinations that get this rule's alerts"
          >
            {destinations.data?.destinations.map((x) => (
              <option key={x.id} value={x.name}>
                {x.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="row gap">
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid="tune-save">
          Save tuning
        </button>
        <button type="button" className="btn" disabled={busy || !t} onClick={onAsync(reset)} data-testid="tune-reset">
          Back to defaults
        </button>
      </div>
    </form>
  );
}

function TestsCard({ rule }: { rule: RuleView }) {
  return (
    <section className="card" data-testid="rule-tests-card">
      <h2>
        Tests · {rule.tests.passed}/{rule.tests.passed + rule.tests.failed} passed
      </h2>
      <RuleTestList results={rule.tests.results} />
    </section>
  );
}

/** The rule's file, read-only. Plain text: no highlighter dependency for one read-only view. */
function SourceCard({ id }: { id: string }) {
  const q = useAsync(() => api.get<RuleSource>(`/api/rules/${enc(id)}/source`), [id]);
  return (
    <section className="card" data-testid="rule-source-card">
      <h2>Source</h2>
      <ErrorBox error={q.error} />
      {q.data ? (
        <>
          <p className="mono small muted">
            {q.data.file} ({q.data.language}, read-only: edit the file; it reloads)
          </p>
          <HighlightedCode className="code-block" testId="rule-source-text" text={q.data.text} language={q.data.language} />
        </>
      ) : null}
    </section>
  );
}

function SuppressionsCard({ ruleId, onChanged }: { ruleId: string; onChanged: () => void }) {
  const q = useAsync(() => api.get<SuppressionList>(`/api/suppressions?ruleId=${enc(ruleId)}`), [ruleId]);
  const [reason, setReason] = useState('');
  const [operator, setOperator] = useState('');
  const [match, setMatch] = useState('');
  const [until, setUntil] = useState('');
  const [error, setError] = useState<unknown>(null);

  async function add(e: FormEvent) {
    e.preventDefault();
    setError(null);
    const expressions: unknown[] = [];
    try {
      if (match.trim()) {
        const parsed: unknown = JSON.parse(match);
        expressions.push(...(Array.isArray(parsed) ? (parsed as unknown[]) : [parsed]));
      }
    } catch {
      setError(new Error('Match expressions must be JSON, e.g. [{"Key": "action", "Condition": "Equals", "Value": "Delete"}].'));
      return;
    }
    if (operator.trim()) expressions.push({ Key: 'operator', Condition: 'IsIn', Values: operator.split(',').map((s) => s.trim()) });
    const body: CreateSuppressionRequest = { ruleId, match: expressions, reason: reason.trim(), ...(until ? { until: new Date(`${until}T00:00:00Z`).toISOString() } : {}) };
    try {
      await api.post<SuppressionView>('/api/suppressions', body);
      setReason('');
      setOperator('');
      setMatch('');
      setUntil('');
      q.reload();
      onChanged();
    } catch (err) {
      setError(err);
    }
  }

  async function remove(id: string) {
    setError(null);
    try {
      await api.del(`/api/suppressions/${enc(id)}`);
      q.reload();
      onChanged();
    } catch (err) {
      setError(err);
    }
  }

  return (
    <section className="card" data-testid="rule-suppressions">
      <h2>Suppressions</h2>
      <p className="small muted">Matches a suppression holds back do not alert; they are counted here.</p>
      <ErrorBox error={q.error ?? error} />
      {q.data && q.data.suppressions.length === 0 ? <p className="muted">No suppressions.</p> : null}
      {q.data && q.data.suppressions.length > 0 ? (
        <table className="table">
          <thead>
            <tr>
              <th>Reason</th>
              <th>When</th>
              <th className="num">Held back</th>
              <th>Until</th>
              <th>Added</th>
              <th aria-label="Remove" />
            </tr>
          </thead>
          <tbody>
            {q.data.suppressions.map((s) => (
              <tr key={s.id} data-testid="suppression-row" className={s.active ? '' : 'disabled-row'}>
                <td>{s.reason}</td>
                <td className="mono small">{JSON.stringify(s.match)}</td>
                <td className="num mono">{s.suppressedCount}</td>
                <td>{s.until ? <Time iso={s.until} /> : '—'}</td>
                <td className="small">
                  {s.createdBy} <Time iso={s.createdAt} relative />
                </td>
                <td>
                  <button type="button" className="btn btn-sm btn-danger" onClick={onAsync(() => remove(s.id))} aria-label={`Remove suppression: ${s.reason}`}>
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <form onSubmit={onAsync(add)} aria-label="Add suppression" className="filter-grid">
        <label className="field">
          <span>Reason</span>
          <input value={reason} onChange={(e) => setReason(e.target.value)} required data-testid="suppression-reason" />
        </label>
        <label className="field">
          <span>Operators (comma-separated)</span>
          <input value={operator} onChange={(e) => setOperator(e.target.value)} placeholder="backup-admin@example.com" data-testid="suppression-operator" />
        </label>
        <label className="field wide">
          <span>Match expressions (JSON, as in YAML rules)</span>
          <input className="mono" value={match} onChange={(e) => setMatch(e.target.value)} placeholder='[{"Key": "action", "Condition": "Equals", "Value": "Delete"}]' />
        </label>
        <label className="field">
          <span>Until (optional)</span>
          <input type="date" value={until} onChange={(e) => setUntil(e.target.value)} />
        </label>
        <button type="submit" className="btn" data-testid="suppression-add">
          Add suppression
        </button>
      </form>
    </section>
  );
}

function BacktestCard({ id }: { id: string }) {
  const [since, setSince] = useState('30d');
  const [result, setResult] = useState<BacktestResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function run(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      setResult(await api.get<BacktestResult>(`/api/rules/${enc(id)}/backtest?since=${enc(since)}`));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card" data-testid="rule-backtest">
      <h2>Backtest</h2>
      <form onSubmit={onAsync(run)} className="row gap" aria-label="Backtest">
        <label className="inline-field">
          <span>Since</span> <input value={since} onChange={(e) => setSince(e.target.value)} placeholder="30d or 2026-03-01" data-testid="backtest-since" />
        </label>
        <button type="submit" className="btn" disabled={busy} data-testid="backtest-run">
          {busy ? 'Running…' : 'Run backtest'}
        </button>
      </form>
      <ErrorBox error={error} />
      {result ? (
        <>
          <p className="small" data-testid="backtest-summary">
            {result.alerts.length} alert(s) over {result.events} event(s) since <Time iso={result.since} /> (dedup {result.dedupPeriodMinutes} min, threshold {result.threshold}),{' '}
            {result.ruleErrors} rule error(s){result.waiting ? `, ${result.waiting} event(s) waiting for history` : ''}. Nothing was written.
          </p>
          {result.alerts.length === 0 ? (
            <Empty title="No alerts">The rule would have raised nothing in this period.</Empty>
          ) : (
            <table className="table">
              <thead>
                <tr>
                  <th>Severity</th>
                  <th>Title</th>
                  <th>First event</th>
                  <th>Last event</th>
                  <th className="num">Events</th>
                </tr>
              </thead>
              <tbody>
                {result.alerts.map((a, i) => (
                  <tr key={i} data-testid="backtest-alert">
                    <td>
                      <SeverityBadge severity={a.severity} />
                    </td>
                    <td>{a.title}</td>
                    <td>
                      <Time iso={a.firstEventAt} />
                    </td>
                    <td>
                      <Time iso={a.lastEventAt} />
                    </td>
                    <td className="num mono">{a.eventCount}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      ) : null}
    </section>
  );
}
