import { Fragment, useState } from 'react';
import { api, enc } from '../api.ts';
import { Empty, ErrorBox, PageHeader, SeverityBadge, SkeletonRows, Switch } from '../components.tsx';
import { Link } from '../router.tsx';
import type { RuleList, RuleView } from '../types.ts';
import { useAsync } from '../util.ts';

export function DetectionsPage() {
  const q = useAsync(() => api.get<RuleList>('/api/rules'), []);
  const [open, setOpen] = useState<Set<string>>(new Set());
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState<string | null>(null);
  const [filter, setFilter] = useState('');

  function toggleOpen(id: string) {
    setOpen((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  }

  async function setEnabled(rule: RuleView, enabled: boolean) {
    setPending(rule.id);
    setError(null);
    try {
      const updated = await api.patch<RuleView>(`/api/rules/${enc(rule.id)}`, { enabled });
      q.setData({ ...q.data!, rules: q.data!.rules.map((r) => (r.id === rule.id ? updated : r)) });
    } catch (err) {
      setError(err);
    } finally {
      setPending(null);
    }
  }

  const f = filter.trim().toLowerCase();
  const rules = q.data?.rules.filter((r) => !f || `${r.id} ${r.displayName} ${r.tags.join(' ')} ${r.logTypes.join(' ')}`.toLowerCase().includes(f));
  const failing = q.data?.rules.filter((r) => r.tests.failed > 0).length ?? 0;

  return (
    <div className="page">
      <PageHeader
        title="Detections"
        sub={
          q.data ? (
            <>
              {q.data.rules.length} rules · {q.data.rules.filter((r) => r.enabled).length} enabled
              {failing ? <span className="text-bad"> · {failing} with failing tests</span> : null}
            </>
          ) : (
            'Rules run on every new event.'
          )
        }
        actions={
          <label className="inline-field">
            <span className="sr-only">Filter rules</span>
            <input type="search" placeholder="Filter rules…" value={filter} onChange={(e) => setFilter(e.target.value)} data-testid="filter-rules" />
          </label>
        }
      />
      <ErrorBox error={q.error ?? error} onRetry={q.error ? q.reload : undefined} />
      {q.data && q.data.directory.loadErrors.length > 0 ? (
        <div className="callout bad" role="alert" data-testid="rule-load-errors">
          <strong>
            {q.data.directory.loadErrors.length} rule file(s) in {q.data.directory.dir} did not load
          </strong>{' '}
          (their rules do not run; the others do):
          <ul>
            {q.data.directory.loadErrors.map((e, i) => (
              <li key={i} className="mono small">
                {e.file}
                {e.line !== null ? `:${e.line}` : ''} {e.field ?? ''}: {e.message}. Fix: {e.fix}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <div className="table-wrap tall">
        <table className="table" data-testid="rules-table">
          <thead>
            <tr>
              <th aria-label="Expand" />
              <th>Severity</th>
              <th>Rule</th>
              <th>Log types</th>
              <th>Enabled</th>
              <th>Tests</th>
              <th className="num">Alerts 7 d</th>
              <th>Dedup / threshold</th>
            </tr>
          </thead>
          <tbody>
            {!rules && q.loading ? <SkeletonRows cols={8} /> : null}
            {rules?.map((r) => {
              const isOpen = open.has(r.id);
              const total = r.tests.passed + r.tests.failed;
              return (
                <Fragment key={r.id}>
                  <tr data-testid="rule-row" data-rule-id={r.id} className={r.enabled ? '' : 'disabled-row'}>
                    <td>
                      <button
                        type="button"
                        className="btn-icon"
                        aria-expanded={isOpen}
                        aria-label={`${isOpen ? 'Collapse' : 'Expand'} ${r.displayName}`}
                        onClick={() => toggleOpen(r.id)}
                      >
                        {isOpen ? '▾' : '▸'}
                      </button>
                    </td>
                    <td>
                      <SeverityBadge severity={r.severity} />
                    </td>
                    <td>
                      <button type="button" className="btn-link strong" onClick={() => toggleOpen(r.id)}>
                        {r.displayName}
                      </button>
                      <div className="mono muted small">
                        <Link to={`/detections/${enc(r.id)}`} data-testid="rule-page-link">
                          {r.id}
                        </Link>
                      </div>
                      <div className="mono muted small" data-testid="rule-source">
                        {r.source}
                      </div>
                      {r.disabledReason ? <div className="small text-bad">{r.disabledReason}</div> : null}
                      {r.history?.learning ? <div className="small muted">learning until {r.history.learningUntil}</div> : null}
                    </td>
                    <td className="mono small">{r.logTypes.join(', ')}</td>
                    <td>
                      <Switch checked={r.enabled} label={`${r.displayName} enabled`} testId="rule-enabled" disabled={pending === r.id} onChange={(on) => void setEnabled(r, on)} />
                      {r.enabled !== r.defaultEnabled ? <div className="small muted">default {r.defaultEnabled ? 'on' : 'off'}</div> : null}
                    </td>
                    <td className="nowrap">
                      <button type="button" className={`btn-link ${r.tests.failed ? 'text-bad' : 'text-ok'}`} onClick={() => toggleOpen(r.id)} data-testid="rule-tests">
                        {r.tests.passed}/{total} passed
                      </button>
                    </td>
                    <td className="num mono">{r.alertsLast7Days > 0 ? <Link to={`/alerts?ruleId=${enc(r.id)}`}>{r.alertsLast7Days}</Link> : 0}</td>
                    <td className="small" data-testid="rule-tuning-summary">
                      {r.dedupPeriodMinutes} min · ≥{r.threshold} event{r.threshold === 1 ? '' : 's'}
                      {r.tuning ? (
                        <div className="muted">
                          tuned by {r.tuning.updatedBy}
                          {r.destinations ? ` · to ${r.destinations.join(', ')}` : ''}
                        </div>
                      ) : null}
                      {r.suppressions.count > 0 ? (
                        <div className="muted">
                          {r.suppressions.count} suppression(s), {r.suppressions.suppressedMatches} held back
                        </div>
                      ) : null}
                    </td>
                  </tr>
                  {isOpen ? (
                    <tr className="expand-row">
                      <td />
                      <td colSpan={7}>
                        <div className="rule-detail">
                          <p className="prewrap">{r.description}</p>
                          {r.runbook ? (
                            <p className="prewrap">
                              <strong>Runbook: </strong>
                              {r.runbook}
                            </p>
                          ) : null}
                          {r.reference ? (
                            <p>
                              <strong>Reference: </strong>
                              {/^https?:\/\//.test(r.reference) ? (
                                <a href={r.reference} target="_blank" rel="noreferrer noopener">
                                  {r.reference}
                                </a>
                              ) : (
                                r.reference
                              )}
                            </p>
                          ) : null}
                          {r.tags.length || r.mitre.length ? (
                            <p>
                              {[...r.tags, ...r.mitre].map((t) => (
                                <span key={t} className="badge">
                                  {t}
                                </span>
                              ))}
                            </p>
                          ) : null}
                          <h4>Tests</h4>
                          <RuleTestList results={r.tests.results} />
                          <Link to={`/rule-errors?ruleId=${enc(r.id)}`} className="small">
                            Errors raised by this rule →
                          </Link>
                        </div>
                      </td>
                    </tr>
                  ) : null}
                </Fragment>
              );
            })}
          </tbody>
        </table>
      </div>
      {rules && rules.length === 0 ? (
        <Empty title={f ? 'No rule matches the filter' : 'No rules loaded'}>{f ? 'Change the filter text.' : 'Check the server log: rules are loaded at start.'}</Empty>
      ) : null}
    </div>
  );
}

/** A rule's own tests with their results and, for a failed one, what differed (the Detections page and a rule's page). */
export function RuleTestList({ results }: { results: RuleView['tests']['results'] }) {
  if (results.length === 0) return <p className="muted">This rule has no tests.</p>;
  return (
    <ul className="test-list">
      {results.map((t) => (
        <li key={t.name} className={t.passed ? 'ok' : 'bad'}>
          <span aria-label={t.passed ? 'passed' : 'failed'}>{t.passed ? '✓' : '✗'}</span> {t.name}{' '}
          <span className="muted small">(expects {t.expectMatch ? 'a match' : 'no match'})</span>
          {t.problems.length ? (
            <ul className="problems">
              {t.problems.map((p, i) => (
                <li key={i}>{p}</li>
              ))}
            </ul>
          ) : null}
        </li>
      ))}
    </ul>
  );
}
