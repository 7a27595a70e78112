/**
 * The fields of the event query language (docs/query-language.md): each has
 * an index that serves it (store/event-query-sql.ts); a field without one is
 * not here, so a query naming it is refused before it could read every event.
 */

/** How a field's value is matched. */
export type QueryFieldKind =
  /** Exact value, case-insensitive (`exactCase`: case-sensitive); no wildcards, no comparisons. */
  | 'exact'
  /** Case-insensitive text: substring without `*`, a whole-value pattern with `*`. */
  | 'text'
  /** Event time: a date or ISO 8601 time, compared with `:` (that day or instant), `>`, `>=`, `<`, `<=` or `[a TO b]`. */
  | 'time'
  /** A non-negative integer, compared like time. */
  | 'integer';

export type QueryFieldName = 'p_event_time' | 'email' | 'ip' | 'country' | 'asn' | 'logType' | 'source' | 'category' | 'action' | 'text' | 'change';

export interface QueryField {
  name: QueryFieldName;
  kind: QueryFieldKind;
  /** Other names accepted for it (matched case-insensitively, like the name). */
  aliases: readonly string[];
  /** Values compared as written (log types and source ids); others are lower-cased. */
  exactCase?: boolean;
  /** The events API filter (query string parameter) it replaces, if any. */
  filter?: string;
  description: string;
}

export const QUERY_FIELDS: readonly QueryField[] = [
  { name: 'p_event_time', kind: 'time', aliases: ['time', 'event_time'], filter: 'since/until', description: 'When the event happened (UTC)' },
  { name: 'email', kind: 'exact', aliases: ['p_any_emails', 'emails'], filter: 'email', description: "Any of the event's email addresses" },
  { name: 'ip', kind: 'exact', aliases: ['p_any_ip_addresses', 'ip_address'], filter: 'ip', description: "Any of the event's IP addresses" },
  {
    name: 'country',
    kind: 'exact',
    aliases: ['p_enrichment.ip_location.country'],
    filter: 'country',
    description: "Country (ISO 3166-1 alpha-2) of any of the event's IP addresses",
  },
  { name: 'asn', kind: 'integer', aliases: ['p_enrichment.ip_location.asn'], filter: 'asn', description: "Autonomous system number of any of the event's IP addresses" },
  { name: 'logType', kind: 'exact', aliases: ['log_type', 'p_log_type'], exactCase: true, filter: 'logType', description: 'Log type, e.g. Zoom.Operation' },
  { name: 'source', kind: 'exact', aliases: ['sourceId', 'source_id', 'p_source_id'], exactCase: true, filter: 'sourceId', description: 'Source id' },
  { name: 'category', kind: 'exact', aliases: ['category_type'], filter: 'category', description: 'category_type (Zoom.Operation)' },
  { name: 'action', kind: 'exact', aliases: [], filter: 'action', description: 'action (Zoom.Operation)' },
  { name: 'text', kind: 'text', aliases: ['operation_detail', 'detail'], filter: 'text', description: 'operation_detail; also what a value without a field searches' },
  { name: 'change', kind: 'text', aliases: ['p_udm.changes.name', 'changes.name'], filter: 'change', description: "A parsed change's name (p_udm.changes[].name)" },
];

const BY_NAME = new Map<string, QueryField>(QUERY_FIELDS.flatMap((f) => [f.name, ...f.aliases].map((n): [string, QueryField] => [n.toLowerCase(), f])));

/** The field called `name` (or one of its aliases), case-insensitive; undefined when the language has none. */
export function queryField(name: string): QueryField | undefined {
  return BY_NAME.get(name.toLowerCase());
}

export function queryFieldOf(name: QueryFieldName): QueryField {
  return queryField(name)!;
}
