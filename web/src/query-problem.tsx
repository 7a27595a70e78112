/** A problem at a character of a query: the parser's and the API's query errors. */
export interface QueryPosition {
  message: string;
  /** 0-based character offset in the query. */
  position: number;
  fix: string;
}

const CONTEXT = 48;

/**
 * The query with the character at fault marked (and a caret under it), the
 * message and the fix, under the query box. A long query shows the part
 * around the position.
 */
export function QueryProblem({ id, query, problem }: { id: string; query: string; problem: QueryPosition }) {
  const at = Math.max(0, Math.min(problem.position, query.length));
  const from = Math.max(0, at - CONTEXT);
  const to = Math.min(query.length, at + 1 + CONTEXT);
  const head = `${from > 0 ? '…' : ''}${query.slice(from, at)}`;
  const marked = query.slice(at, at + 1) || ' ';
  const tail = `${query.slice(at + 1, to)}${to < query.length ? '…' : ''}`;
  return (
    <div className="query-problem" role="alert" id={id} data-testid="query-problem" data-position={at}>
      <pre className="query-marked mono" aria-hidden="true">
        {head}
        <mark data-testid="query-problem-mark">{marked}</mark>
        {tail}
        {'\n'}
        {' '.repeat(head.length)}^
      </pre>
      <div>
        <strong>{problem.message}</strong> {problem.fix}
      </div>
    </div>
  );
}
