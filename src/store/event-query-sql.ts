import { sql, type Expression, type SqlBool } from 'kysely';
import type { QueryNode, QueryTerm } from '../domain/event-query.js';
import { normalizeCountryCode } from '../domain/ip-location.js';
import type { LogType } from '../zoom/report-records.js';
import { containsPattern, likeEscape, type EventSql, type StoreDialectKind } from './event-sql.js';
import { matchOf } from './sqlite-event-search.js';
import type { IndicatorKind } from './indicator-kind-codes.js';
import type { EventQuery } from './store.js';

export interface QueryCompileContext {
  dialect: StoreDialectKind;
  sql: EventSql;
  /** True for the events holding the indicator (read off `event_indicators`). */
  indicatorHeld(kind: IndicatorKind, value: string): Expression<SqlBool>;
}

/**
 * A query-language condition (domain/event-query.ts) as SQL on `events`, each
 * term through the index that serves its filter (the same expressions as the
 * events filters): `event_indicators` for email, ip, country and asn; the
 * expression indexes for action and category; the time index; trigram search
 * (SQLite FTS5 `events_search`, PostgreSQL pg_trgm) for text and change names.
 * A NOT is `(...) IS NOT TRUE`, so events without the field are kept.
 */
export function compileQuery(node: QueryNode, context: QueryCompileContext, negated = false): Expression<SqlBool> {
  switch (node.kind) {
    case 'and':
      return sql<SqlBool>`(${sql.join(
        node.items.map((item) => compileQuery(item, context, negated)),
        sql` AND `,
      )})`;
    case 'or':
      return sql<SqlBool>`(${sql.join(
        node.items.map((item) => compileQuery(item, context, negated)),
        sql` OR `,
      )})`;
    case 'not':
      return sql<SqlBool>`((${compileQuery(node.item, context, !negated)}) IS NOT TRUE)`;
    case 'term':
      return compileTerm(node, context, negated);
  }
}

function compileTerm(term: QueryTerm, context: QueryCompileContext, negated: boolean): Expression<SqlBool> {
  if (term.match === 'range') {
    const bounds: Expression<SqlBool>[] = [];
    if (term.field === 'p_event_time') {
      if (term.min !== undefined) bounds.push(sql<SqlBool>`events.event_time_ms >= ${term.min}`);
      if (term.max !== undefined) bounds.push(sql<SqlBool>`events.event_time_ms <= ${term.max}`);
      return bounds.length === 0 ? sql<SqlBool>`1 = 1` : sql<SqlBool>`(${sql.join(bounds, sql` AND `)})`;
    }
    // asn: every ASN indicator is read (no numeric index); the API runs it only beside a restricting term.
    const asn = context.sql.indicatorKind('asn');
    const value = sql`(CASE WHEN event_indicators.kind = ${asn} THEN CAST(event_indicators.value AS BIGINT) END)`;
    if (term.min !== undefined) bounds.push(sql<SqlBool>`${value} >= ${term.min}`);
    if (term.max !== undefined) bounds.push(sql<SqlBool>`${value} <= ${term.max}`);
    const link = context.sql.indicatorLink;
    return sql<SqlBool>`${sql.ref(`events.${link.event}`)} IN (SELECT ${sql.ref(`event_indicators.${link.indicator}`)} FROM event_indicators WHERE event_indicators.kind = ${asn}${bounds.length ? sql` AND ${sql.join(bounds, sql` AND `)}` : sql``})`;
  }
  if (term.match === 'text') {
    const pattern = term.pieces.length === 1 ? containsPattern(term.pieces[0]!) : term.pieces.map((p) => likeEscape(p.toLowerCase())).join('%');
    const column = term.field === 'change' ? 'changes' : 'detail';
    const exact = term.field === 'change' ? context.sql.changeNameMatches('events.event_json', pattern) : context.sql.detailLike('events.event_json', pattern);
    // SQLite: narrow through the FTS5 trigram index first (not under a NOT: it would only add work).
    const match = context.dialect === 'sqlite' && !negated ? matchOf(term.pieces.map((text) => ({ column, text }))) : undefined;
    if (match === undefined) return exact;
    return sql<SqlBool>`(events.rowid IN (SELECT events_search_keys.event_rowid FROM events_search JOIN events_search_keys ON events_search_keys.key = events_search.rowid WHERE events_search MATCH ${match}) AND ${exact})`;
  }
  const value = term.value;
  switch (term.field) {
    case 'email':
    case 'ip':
      return context.indicatorHeld(term.field, value.trim().toLowerCase());
    case 'country':
      return context.indicatorHeld('country', normalizeCountryCode(value));
    case 'asn':
      return context.indicatorHeld('asn', String(Number(value)));
    case 'logType':
      return sql<SqlBool>`events.log_type = ${value}`;
    case 'source':
      return sql<SqlBool>`events.source_id = ${value}`;
    case 'category':
      return sql<SqlBool>`${context.sql.indexedField('events.event_json', 'category_type')} = ${value.trim().toLowerCase()}`;
    case 'action':
      return sql<SqlBool>`${context.sql.indexedField('events.event_json', 'action')} = ${value.trim().toLowerCase()}`;
    default:
      throw new RangeError(`field ${term.field} cannot be matched exactly`);
  }
}

/**
 * `query` with the positive terms at the top of its `where` (ANDed) moved into
 * the plain filters when that filter is free: the reader's fast paths (hour
 * counts, SQLite's FTS walk in time order, one indicator lookup) then serve
 * them as they serve the form's filters. The results are the same.
 */
export function liftQuery<Q extends Omit<EventQuery, 'limit'>>(query: Q): Q {
  if (!query.where) return query;
  const out: Q = { ...query };
  const rest: QueryNode[] = [];
  const items = query.where.kind === 'and' ? query.where.items : [query.where];
  for (const item of items) if (item.kind !== 'term' || !lift(out, item)) rest.push(item);
  if (rest.length === 0) delete out.where;
  else out.where = rest.length === 1 ? rest[0]! : { kind: 'and', items: rest };
  return out;
}

const EXACT_FILTERS: Partial<Record<QueryTerm['field'], 'email' | 'ipAddress' | 'country' | 'asn' | 'logType' | 'sourceId' | 'categoryType' | 'action'>> = {
  email: 'email',
  ip: 'ipAddress',
  country: 'country',
  asn: 'asn',
  logType: 'logType',
  source: 'sourceId',
  category: 'categoryType',
  action: 'action',
};

function lift(out: Omit<EventQuery, 'limit'>, term: QueryTerm): boolean {
  if (term.match === 'range') {
    if (term.field !== 'p_event_time') return false;
    if (term.min !== undefined) out.sinceMs = Math.max(out.sinceMs ?? term.min, term.min);
    if (term.max !== undefined) out.untilMs = Math.min(out.untilMs ?? term.max + 1, term.max + 1);
    return true;
  }
  if (term.match === 'text') {
    if (term.pieces.length !== 1) return false;
    const key = term.field === 'change' ? 'changeName' : 'detailText';
    if (out[key] !== undefined) return false;
    out[key] = term.pieces[0]!;
    return true;
  }
  const key = EXACT_FILTERS[term.field];
  if (key === undefined || out[key] !== undefined) return false;
  if (key === 'asn') out.asn = Number(term.value);
  else if (key === 'logType') out.logType = term.value as LogType;
  else out[key] = term.value;
  return true;
}
