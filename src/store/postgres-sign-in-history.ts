import { sql, type Kysely } from 'kysely';
import type { HistoryWindows } from '../domain/history-settings.js';
import type { SignInFact } from '../domain/sign-in-facts.js';
import type { SignInHistoryRecord } from './sign-in-history-store.js';
import { toSignInFact } from './sqlite-sign-in-history.js';
import type { StoreTables } from './store-tables.js';

/** Rows per statement (the history detector's batches, 2,000 by default, take one). */
const CHUNK = 5000;

const FACT_COLUMNS = ['row_id', 'user_key', 'event_time_ms', 'ip', 'country', 'asn', 'lat', 'lng', 'accuracy_km'] as const;

type FactRow = Parameters<typeof toSignInFact>[0];
/** A fact's columns with a prefix, all null when there is no such sign-in. */
type PrefixedFactRow<P extends string> = { [K in keyof FactRow as `${P}${K & string}`]: FactRow[K] | null };

type HistoryRow = FactRow &
  PrefixedFactRow<'p_'> &
  PrefixedFactRow<'l_'> & {
    country_seen: boolean | null;
    asn_seen: boolean | null;
    recent_countries: string | number;
    recent_ips: string | number;
    ip_users: string | number;
  };

/**
 * PostgreSQL's answers to `SignInHistoryStore.signInHistory`: one statement per
 * chunk of rows (one per detector batch), the same questions, windows and bounds
 * as SqliteSignInHistory, each a LATERAL or scalar subquery on an index of
 * `sign_ins`:
 * - `p`, the previous sign-in (newest time, then highest row id, in
 *   [t - dormant, t)), joined once and read as columns;
 * - `l`, the newest located sign-in in [t - travel, t), looked for only when
 *   the previous one lies in the travel look-back without a point (when it has
 *   one, it is the previous located sign-in itself; when there is none, or it is
 *   older, there is no previous located sign-in);
 * - country (ASN) seen: true without a probe when the previous sign-in has the
 *   same country (ASN) within the look-back, else an EXISTS;
 * - the user's distinct countries and IPs in [t - burst, t], the IP's distinct
 *   users in [t - shared IP, t].
 */
export class PostgresSignInHistory {
  constructor(private readonly db: Kysely<StoreTables>) {}

  async signInHistory(sourceId: string, rowIds: readonly string[], w: HistoryWindows): Promise<Map<string, SignInHistoryRecord>> {
    const found = new Map<string, SignInHistoryRecord>();
    const unique = [...new Set(rowIds)];
    const listed = (alias: string, prefix = '') => sql.raw(FACT_COLUMNS.map((c) => `${alias}.${c}${prefix === '' ? '' : ` AS ${prefix}${c}`}`).join(', '));
    for (let i = 0; i < unique.length; i += CHUNK) {
      const chunk = unique.slice(i, i + CHUNK);
      const result = await sql<HistoryRow>`
        SELECT ${listed('s')}, ${listed('p', 'p_')}, ${listed('l', 'l_')},
          CASE WHEN s.country IS NULL THEN NULL
            WHEN p.country = s.country AND p.event_time_ms >= s.event_time_ms - ${w.countryLookbackMs}::bigint THEN true
            ELSE EXISTS (SELECT 1 FROM sign_ins c WHERE c.source_id = s.source_id AND c.user_key = s.user_key AND c.country = s.country
              AND c.event_time_ms >= s.event_time_ms - ${w.countryLookbackMs}::bigint AND c.event_time_ms < s.event_time_ms) END AS country_seen,
          CASE WHEN s.asn IS NULL THEN NULL
            WHEN p.asn = s.asn AND p.event_time_ms >= s.event_time_ms - ${w.asnLookbackMs}::bigint THEN true
            ELSE EXISTS (SELECT 1 FROM sign_ins a WHERE a.source_id = s.source_id AND a.user_key = s.user_key AND a.asn = s.asn
              AND a.event_time_ms >= s.event_time_ms - ${w.asnLookbackMs}::bigint AND a.event_time_ms < s.event_time_ms) END AS asn_seen,
          r.countries AS recent_countries, r.ips AS recent_ips,
          CASE WHEN s.ip IS NULL THEN 0 ELSE (SELECT count(DISTINCT i.user_key) FROM sign_ins i WHERE i.source_id = s.source_id AND i.ip = s.ip
            AND i.event_time_ms >= s.event_time_ms - ${w.sharedIpWindowMs}::bigint AND i.event_time_ms <= s.event_time_ms) END AS ip_users
        FROM sign_ins s
        LEFT JOIN LATERAL (SELECT ${listed('n')} FROM sign_ins n WHERE n.source_id = s.source_id AND n.user_key = s.user_key
            AND n.event_time_ms >= s.event_time_ms - ${w.dormantLookbackMs}::bigint AND n.event_time_ms < s.event_time_ms
            ORDER BY n.event_time_ms DESC, n.row_id DESC LIMIT 1) p ON true
        LEFT JOIN LATERAL (SELECT ${listed('m')} FROM sign_ins m
            WHERE p.row_id IS NOT NULL AND p.lat IS NULL AND p.event_time_ms >= s.event_time_ms - ${w.travelLookbackMs}::bigint
            AND m.source_id = s.source_id AND m.user_key = s.user_key AND m.lat IS NOT NULL
            AND m.event_time_ms >= s.event_time_ms - ${w.travelLookbackMs}::bigint AND m.event_time_ms < s.event_time_ms
            ORDER BY m.event_time_ms DESC, m.row_id DESC LIMIT 1) l ON true
        CROSS JOIN LATERAL (SELECT count(DISTINCT r.country) AS countries, count(DISTINCT r.ip) AS ips FROM sign_ins r
            WHERE r.source_id = s.source_id AND r.user_key = s.user_key
            AND r.event_time_ms >= s.event_time_ms - ${w.burstWindowMs}::bigint AND r.event_time_ms <= s.event_time_ms) r
        WHERE s.source_id = ${sourceId} AND s.row_id = ANY(${chunk}::text[])`.execute(this.db);
      for (const row of result.rows) {
        const fact = toSignInFact(row);
        const previous = prefixedFact(row, 'p_');
        const previousIsLocated = previous !== null && previous.lat !== null && previous.timeMs >= fact.timeMs - w.travelLookbackMs;
        found.set(row.row_id, {
          fact,
          context: {
            previous,
            previousLocated: previousIsLocated ? previous : prefixedFact(row, 'l_'),
            countrySeen: row.country_seen,
            asnSeen: row.asn_seen,
            recentCountries: Number(row.recent_countries),
            recentIps: Number(row.recent_ips),
            ipUsers: Number(row.ip_users),
          },
        });
      }
    }
    // In the order asked, as SQLite answers.
    const out = new Map<string, SignInHistoryRecord>();
    for (const rowId of unique) {
      const record = found.get(rowId);
      if (record) out.set(rowId, record);
    }
    return out;
  }
}

/** The `p_` or `l_` sign-in of a history row, or null when it has none. */
function prefixedFact(row: HistoryRow, prefix: 'p_' | 'l_'): SignInFact | null {
  const rowId = row[`${prefix}row_id`];
  if (rowId === null) return null;
  return toSignInFact({
    row_id: rowId,
    user_key: row[`${prefix}user_key`]!,
    event_time_ms: row[`${prefix}event_time_ms`]!,
    ip: row[`${prefix}ip`],
    country: row[`${prefix}country`],
    asn: row[`${prefix}asn`],
    lat: row[`${prefix}lat`],
    lng: row[`${prefix}lng`],
    accuracy_km: row[`${prefix}accuracy_km`],
  });
}
