import { formatEventQuery, parseEventQuery, type QueryError, type QueryNode, type QueryTerm } from './event-query.js';
import { QUERY_FIELDS, type QueryFieldName } from './event-query-fields.js';

/**
 * The console's filter form as a query and back: the form is one field per
 * query-language field that has an events API filter (all but p_event_time,
 * which the time range picker holds), and it shows a conjunction of at most
 * one plain term per field. A query the form cannot show (OR, NOT, wildcards,
 * comparisons, a field twice) is said to be so, never shown half.
 */

/** The form's keys: the events API filter parameters (`sourceId` for `source`). */
export type EventFormKey = 'logType' | 'sourceId' | 'email' | 'ip' | 'country' | 'asn' | 'category' | 'action' | 'text' | 'change';
export type EventFormValues = Partial<Record<EventFormKey, string>>;

const FORM_ORDER: readonly EventFormKey[] = ['logType', 'sourceId', 'email', 'ip', 'country', 'asn', 'category', 'action', 'text', 'change'];

/** The form's fields in the order they show, each with its query field (the one whose API filter it is). */
export const EVENT_FORM_FIELDS: readonly { key: EventFormKey; field: QueryFieldName }[] = FORM_ORDER.map((key) => ({
  key,
  field: QUERY_FIELDS.find((f) => f.filter === key)!.name,
}));

const KEY_OF = new Map<QueryFieldName, EventFormKey>(EVENT_FORM_FIELDS.map((f) => [f.field, f.key]));

/** What the form can show of a query: its values, why not (`more`, in words), or the query's syntax error. */
export type EventQueryForm = { kind: 'form'; values: EventFormValues } | { kind: 'more'; reason: string } | { kind: 'error'; error: QueryError };

/** The form values a query is, when it is a conjunction of plain terms of the form's fields, each at most once. */
export function formValuesOfQuery(node: QueryNode | undefined): EventQueryForm {
  const values: EventFormValues = {};
  const terms = !node ? [] : node.kind === 'and' ? node.items : [node];
  for (const term of terms) {
    if (term.kind === 'or') return { kind: 'more', reason: 'it has OR' };
    if (term.kind === 'not') return { kind: 'more', reason: 'it has NOT' };
    if (term.kind === 'and') return { kind: 'more', reason: 'it has nested conditions' };
    const key = KEY_OF.get(term.field);
    if (!key) return { kind: 'more', reason: `it compares ${term.field}` };
    if (values[key] !== undefined) return { kind: 'more', reason: `it has ${term.field} more than once` };
    const value = plainValue(term);
    if (value === undefined) return { kind: 'more', reason: term.match === 'text' ? `its ${term.field} has a wildcard (*)` : `it compares ${term.field}` };
    values[key] = value;
  }
  return { kind: 'form', values };
}

function plainValue(term: QueryTerm): string | undefined {
  if (term.match === 'equals') return term.value;
  if (term.match === 'text') return term.pieces.length === 1 ? term.pieces[0] : undefined;
  // asn:N parses as equals; a range is a comparison the form does not have.
  return undefined;
}

/** The query the form values are: their terms ANDed, in the form's order (blank values left out). */
export function queryOfFormValues(values: EventFormValues): QueryNode | undefined {
  const items: QueryTerm[] = [];
  for (const { key, field } of EVENT_FORM_FIELDS) {
    const value = values[key]?.trim();
    if (!value) continue;
    const kind = QUERY_FIELDS.find((f) => f.name === field)!.kind;
    items.push(kind === 'text' ? { kind: 'term', field, position: 0, match: 'text', pieces: [value] } : { kind: 'term', field, position: 0, match: 'equals', value });
  }
  if (items.length === 0) return undefined;
  return items.length === 1 ? items[0] : { kind: 'and', items };
}

/** `formValuesOfQuery` of the query text. */
export function formOfQueryText(text: string): EventQueryForm {
  const parsed = parseEventQuery(text);
  return parsed.ok ? formValuesOfQuery(parsed.query) : { kind: 'error', error: parsed.error };
}

/** The query text of the form values (what the query box shows after a form field changes). */
export function queryTextOfFormValues(values: EventFormValues): string {
  return formatEventQuery(queryOfFormValues(values));
}
