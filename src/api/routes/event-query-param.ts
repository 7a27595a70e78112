import { parseEventQuery, queryRestricts, queryTerms, type QueryNode } from '../../domain/event-query.js';
import { LOG_TYPES } from '../../zoom/report-records.js';
import { ApiHttpError } from './route-support.js';

/**
 * The events API's `q` parameter as a query AST, or undefined when empty. A
 * malformed query is a 400 naming `q` with the position and a fix. `filtered`:
 * whether another filter (time, source, log type...) restricts the search; without
 * one the query must restrict it itself (a positive term), or it would read every
 * event (`NOT action:x` alone): see docs/query-language.md.
 */
export function queryParam(q: string | undefined, filtered: boolean): QueryNode | undefined {
  if (q === undefined) return undefined;
  const parsed = parseEventQuery(q);
  if (!parsed.ok) throw queryError(parsed.error.message, parsed.error.position, parsed.error.fix);
  const query = parsed.query;
  if (!query) return undefined;
  for (const term of queryTerms(query)) {
    if (term.field === 'logType' && term.match === 'equals' && !(LOG_TYPES as readonly string[]).includes(term.value)) {
      throw queryError(`'${term.value}' at column ${term.position + 1} is not a log type`, term.position, `Use one of: ${LOG_TYPES.join(', ')}.`);
    }
  }
  if (!filtered && !queryRestricts(query)) {
    throw queryError(
      'The query has no positive condition to narrow the search with (only NOTs, or asn comparisons): it would read every event',
      0,
      'Add a positive condition, e.g. a time range (p_event_time>=2026-11-01), a source, a log type, an action or a text.',
    );
  }
  return query;
}

function queryError(message: string, position: number, fix: string): ApiHttpError {
  return new ApiHttpError(400, 'invalid_query', message, [{ field: 'q', message, position }], fix);
}
