import { useState, type ReactNode } from 'react';
import { api, enc } from './api.ts';
import { Empty, ErrorBox, PageHeader, SkeletonRows } from './components.tsx';
import { useActionError, useAsync, type Async } from './util.ts';

/** A row of a list page: the delete confirmation names it. */
interface ListRow {
  id: string;
  name: string;
}

/** What a row's test request answered (a failed request becomes one too). */
export interface TestOutcome {
  ok: boolean;
  message: string;
  fix?: string;
}

/** A list page's state: the rows, the error of the last row action, the add form's visibility and each row's test. */
export interface ListPageState<T extends ListRow> {
  /** The list request: its error, whether it runs, and how to run it again. */
  q: Pick<Async<unknown>, 'error' | 'loading' | 'reload'>;
  list: T[] | undefined;
  error: unknown;
  adding: boolean;
  setAdding: (adding: boolean) => void;
  /** Runs a request that answers the updated row, and shows it in place. */
  update: (row: T, request: () => Promise<T>) => Promise<void>;
  /** Deletes the row (`DELETE <path>/<id>`) once the user confirms `question`. */
  remove: (row: T, question: string) => Promise<void>;
  /** Each row's test: running, or what it answered. */
  tests: Record<string, TestOutcome | 'running'>;
  /** Sends the row's test (`POST <path>/<id>/test`). */
  test: (row: T) => Promise<void>;
}

/**
 * The state of a list page whose API lists its rows at `path` under `key`
 * (`GET /api/sinks` → `{ sinks: [...] }`), deletes one at `path/<id>` and
 * tests one at `path/<id>/test`.
 */
export function useListPage<K extends string, T extends ListRow>(path: string, key: K): ListPageState<T> {
  const q = useAsync(() => api.get<Record<K, T[]>>(path), [path]);
  const { error, run: attempt } = useActionError();
  const [tests, setTests] = useState<Record<string, TestOutcome | 'running'>>({});
  const [adding, setAdding] = useState(false);
  const list = q.data?.[key];

  const update = (row: T, request: () => Promise<T>) =>
    attempt(async () => {
      const updated = await request();
      q.setData({ [key]: (list ?? []).map((x) => (x.id === row.id ? updated : x)) } as Record<K, T[]>);
    });
  const remove = async (row: T, question: string) => {
    if (!window.confirm(question)) return;
    await attempt(async () => {
      await api.del(`${path}/${enc(row.id)}`);
      q.reload();
    });
  };
  async function test(row: T) {
    setTests((t) => ({ ...t, [row.id]: 'running' }));
    let outcome: TestOutcome;
    try {
      outcome = await api.post<TestOutcome>(`${path}/${enc(row.id)}/test`);
    } catch (err) {
      outcome = { ok: false, message: err instanceof Error ? err.message : String(err) };
    }
    setTests((t) => ({ ...t, [row.id]: outcome }));
  }
  return { q, list, error, adding, setAdding, update, remove, tests, test };
}

/**
 * A list page (sinks, destinations): the header with its add button, the add
 * form while adding, the error, the table (skeleton rows while loading; an
 * empty one is hidden by styles.css) and the empty-state card.
 */
export function ListPage<T extends ListRow>({
  state,
  title,
  sub,
  noun,
  columns,
  addForm,
  emptyTitle,
  empty,
  children,
  after,
}: {
  state: ListPageState<T>;
  title: string;
  sub: ReactNode;
  /** `sink`: names the add button (`+ Add sink`, test id `add-sink`) and the table (`sinks-table`). */
  noun: string;
  /** The table's column headings ('' for none). */
  columns: string[];
  /** The add form: it calls `done(true)` once it created a row, `done(false)` to cancel. */
  addForm: (done: (created: boolean) => void) => ReactNode;
  emptyTitle: string;
  /** The empty-state card's text; `add` opens the add form. */
  empty: (add: () => void) => ReactNode;
  /** The rows. */
  children: ReactNode;
  /** Shown under the table (e.g. a row's details). */
  after?: ReactNode;
}) {
  const { q, list, adding, setAdding } = state;
  const add = () => setAdding(true);
  return (
    <div className="page">
      <PageHeader
        title={title}
        sub={sub}
        actions={
          !adding ? (
            <button type="button" className="btn btn-primary" data-testid={`add-${noun}`} onClick={add}>
              + Add {noun}
            </button>
          ) : null
        }
      />
      {adding
        ? addForm((created) => {
            setAdding(false);
            if (created) q.reload();
          })
        : null}
      <ErrorBox error={q.error ?? state.error} onRetry={q.error ? q.reload : undefined} />
      <div className="table-wrap">
        <table className="table" data-testid={`${noun}s-table`}>
          <thead>
            <tr>
              {columns.map((c, i) => (
                <th key={i}>{c}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {!list && q.loading ? <SkeletonRows cols={columns.length} rows={2} /> : null}
            {children}
          </tbody>
        </table>
      </div>
      {after}
      {list && list.length === 0 && !adding ? <Empty title={emptyTitle}>{empty(add)}</Empty> : null}
    </div>
  );
}

/** A row's test button: `Sending…` while its test runs. */
export function TestButton({ outcome, testId, label, onClick }: { outcome: TestOutcome | 'running' | undefined; testId: string; label: string; onClick: () => void }) {
  return (
    <button type="button" className="btn btn-sm" data-testid={testId} disabled={outcome === 'running'} onClick={onClick}>
      {outcome === 'running' ? 'Sending…' : label}
    </button>
  );
}

/** What a row's test answered (with the fix when it failed), once it did. */
export function TestResult({ outcome, testId }: { outcome: TestOutcome | 'running' | undefined; testId: string }) {
  if (!outcome || outcome === 'running') return null;
  return (
    <div className={`small ${outcome.ok ? 'text-ok' : 'text-bad'}`} data-testid={testId} data-ok={String(outcome.ok)}>
      {outcome.ok ? '✓' : '✗'} {outcome.message}
      {!outcome.ok && outcome.fix ? <div className="muted">Fix: {outcome.fix}</div> : null}
    </div>
  );
}
