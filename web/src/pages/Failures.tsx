import { Fragment, useState } from 'react';
import { api, qs } from '../api.ts';
import { Empty, ErrorBox, PageHeader, SkeletonRows, Time } from '../components.tsx';
import { navigate, useLocation } from '../router.tsx';
import type { FailureList, SourceList } from '../types.ts';
import { useAsync } from '../util.ts';

function prettyRaw(raw: string): string {
  try {
    return JSON.stringify(JSON.parse(raw), null, 2);
  } catch {
    return raw;
  }
}

export function FailuresPage() {
  const loc = useLocation();
  const sourceId = loc.query.get('sourceId') ?? '';
  const logType = loc.query.get('logType') ?? '';
  const q = useAsync(() => api.get<FailureList>(`/api/failures${qs({ sourceId, logType, limit: 200 })}`), [loc.href]);
  const sources = useAsync(() => api.get<SourceList>('/api/sources'), []);
  const [open, setOpen] = useState<string | null>(null);
  const setQ = (k: string, v: string) => {
    const p = { sourceId, logType, [k]: v };
    navigate(`/failures${qs(p)}`, { replace: true });
  };
  const name = (id: string) => sources.data?.sources.find((s) => s.id === id)?.name ?? id;
  const list = q.data?.failures;

  return (
    <div className="page">
      <PageHeader
        title="Parse failures"
        sub={
          <>
            Records Zoom sent that did not match the log type's schema; they are kept here instead of being dropped.
            {q.data ? (
              <>
                {' '}
                {q.data.total.toLocaleString()} in total{list && list.length < q.data.total ? `, ${list.length} newest shown` : ''}.
              </>
            ) : null}
          </>
        }
      />
      <div className="filters card row gap">
        <label className="inline-field">
          <span>Source</span>
          <select value={sourceId} onChange={(e) => setQ('sourceId', e.target.value)}>
            <option value="">All</option>
            {sources.data?.sources.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
        <label className="inline-field">
          <span>Log type</span>
          <select value={logType} onChange={(e) => setQ('logType', e.target.value)}>
            <option value="">All</option>
            <option value="Zoom.Activity">Zoom.Activity</option>
            <option value="Zoom.Operation">Zoom.Operation</option>
          </select>
        </label>
      </div>
      <ErrorBox error={q.error} onRetry={q.reload} />
      <div className="table-wrap tall">
        <table className="table" data-testid="failures-table">
          <thead>
            <tr>
              <th>Failed at</th>
              <th>Source</th>
              <th>Log type</th>
              <th>Day</th>
              <th>Reason</th>
              <th>Field</th>
            </tr>
          </thead>
          <tbody>
            {!list && q.loading ? <SkeletonRows cols={6} /> : null}
            {list?.map((f) => (
              <Fragment key={f.rowId}>
                <tr
                  data-testid="failure-row"
                  className="clickable"
                  tabIndex={0}
                  aria-expanded={open === f.rowId}
                  onClick={() => setOpen(open === f.rowId ? null : f.rowId)}
                  onKeyDown={(e) => e.key === 'Enter' && setOpen(open === f.rowId ? null : f.rowId)}
                >
                  <td className="nowrap">
                    <Time iso={f.failedAt} />
                  </td>
                  <td>{name(f.sourceId)}</td>
                  <td className="mono">{f.logType}</td>
                  <td className="mono">{f.day}</td>
                  <td>{f.reason}</td>
                  <td className="mono">{f.field ?? '—'}</td>
                </tr>
                {open === f.rowId ? (
                  <tr className="expand-row">
                    <td colSpan={6}>
                      <div className="small muted">Raw record as Zoom sent it:</div>
                      <pre className="json" data-testid="failure-raw">
                        {prettyRaw(f.raw)}
                      </pre>
                    </td>
                  </tr>
                ) : null}
              </Fragment>
            ))}
          </tbody>
        </table>
      </div>
      {list && list.length === 0 ? <Empty title="No parse failures">Every record Zoom sent matched its schema. Nothing to do.</Empty> : null}
    </div>
  );
}
