import { api, qs } from '../api.ts';
import { Empty, ErrorBox, PageHeader, SkeletonRows, Time } from '../components.tsx';
import { Link, navigate, useLocation } from '../router.tsx';
import type { RuleErrorList } from '../types.ts';
import { useAsync } from '../util.ts';

export function RuleErrorsPage() {
  const loc = useLocation();
  const ruleId = loc.query.get('ruleId') ?? '';
  const q = useAsync(() => api.get<RuleErrorList>(`/api/rule-errors${qs({ ruleId, limit: 200 })}`), [loc.href]);
  const list = q.data?.errors;
  return (
    <div className="page">
      <PageHeader
        title="Rule errors"
        sub={
          <>
            Exceptions thrown by a rule's functions on an event: the event was not evaluated by that rule.
            {q.data ? <> {q.data.total.toLocaleString()} in total.</> : null}
          </>
        }
        actions={
          ruleId ? (
            <button type="button" className="btn btn-sm" onClick={() => navigate('/rule-errors', { replace: true })}>
              Showing rule <span className="mono">{ruleId}</span> ✕
            </button>
          ) : null
        }
      />
      <ErrorBox error={q.error} onRetry={q.reload} />
      <div className="table-wrap tall">
        <table className="table" data-testid="rule-errors-table">
          <thead>
            <tr>
              <th>At</th>
              <th>Rule</th>
              <th>Function</th>
              <th>Message</th>
              <th>Log type</th>
              <th>Event row</th>
            </tr>
          </thead>
          <tbody>
            {!list && q.loading ? <SkeletonRows cols={6} /> : null}
            {list?.map((e, i) => (
              <tr key={`${e.ruleId}-${e.rowId}-${i}`} data-testid="rule-error-row">
                <td className="nowrap">
                  <Time iso={e.at} />
                </td>
                <td className="mono">
                  <Link to={`/rule-errors${qs({ ruleId: e.ruleId })}`}>{e.ruleId}</Link>
                </td>
                <td className="mono">{e.functionName}</td>
                <td className="prewrap">{e.message}</td>
                <td className="mono">{e.logType}</td>
                <td className="mono small">{e.rowId}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {list && list.length === 0 ? <Empty title="No rule errors">Every rule evaluated every event without throwing.</Empty> : null}
    </div>
  );
}
