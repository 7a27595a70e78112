import { sql, type Kysely } from 'kysely';
import type { HistoryWindows } from '../domain/history-settings.js';
import type { SignInHistoryRecord } from './sign-in-history-store.js';
import { toSignInFact } from './sqlite-sign-in-history.js';
import type { StoreTables } from './store-tables.js';

/** Rows per statement. */
const CHUNK = 500;

const FACT_COLUMNS = ['row_id', 'user_key', 'event_time_ms', 'ip', 'country', 'asn', 'lat', 'lng', 'accuracy_km'] as const;

interface HistoryRow {
  row_id: string;
  user_key: string;
  event_time_ms: string | number;
  ip: string | null;
  country: string | null;
  asn: string | number | null;
  lat: number | null;
  lng: number | null;
  accuracy_km: number | null;
  /** The previous sign-in as JSON (its `sign_ins` row), or null. */
  previous: string | null;
  previous_located: string | null;
  country_seen: boolean | null;
  asn_seen: boolean | null;
  recent_countries: string | number;
  recent_ips: string | number;
  ip_users: string | number;
}

type FactRowJson = Parameters<typeof toSignInFact>[0];

/**
 * PostgreSQL's answers to `SignInHistoryStore.signInHistory`: one statement per
 * chunk of rows, each question a LATERAL subquery on an index of `sign_ins`
 * (the same questions, windows and bounds as SqliteSignInHistory).
 */
export class PostgresSignInHistory {
  constructor(private readonly db: Kysely<StoreTables>) {}

  async signInHistory(sourceId: string, rowIds: readonly string[], w: HistoryWindows): Promise<Map<string, SignInHistoryRecord>> {
    const found = new Map<string, SignInHistoryRecord>();
    const unique = [...new Set(rowIds)];
    for (let i = 0; i < unique.length; i += CHUNK) {
      const chunk = unique.slice(i, i + CHUNK);
      const columns = sql.raw(FACT_COLUMNS.map((c) => `s.${c}`).join(', '));
      const json = (alias: string) => sql.raw(`json_build_object(${FACT_COLUMNS.map((c) => `'${c}', ${alias}.${c}`).join(', ')})::text`);
      const result = await sql<HistoryRow>`
        SELECT ${columns},
          (SELECT ${json('p')} FROM sign_ins p WHERE p.source_id = s.source_id AND p.user_key = s.user_key
             AND p.event_time_ms >= s.event_time_ms - ${w.dormantLookbackMs}::bigint AND p.event_time_ms < s.event_time_ms
             ORDER BY p.event_time_ms DESC, p.row_id DESC LIMIT 1) AS previous,
          (SELECT ${json('p')} FROM sign_ins p WHERE p.source_id = s.source_id AND p.user_key = s.user_key
             AND p.event_time_ms >= s.event_time_ms - ${w.travelLookbackMs}::bigint AND p.event_time_ms < s.event_time_ms AND p.lat IS NOT NULL
             ORDER BY p.event_time_ms DESC, p.row_id DESC LIMIT 1) AS previous_located,
          CASE WHEN s.country IS NULL THEN NULL ELSE EXISTS (SELECT 1 FROM sign_ins p WHERE p.source_id = s.source_id AND p.user_key = s.user_key
             AND p.country = s.country AND p.event_time_ms >= s.event_time_ms - ${w.countryLookbackMs}::bigint AND p.event_time_ms < s.event_time_ms) END AS country_seen,
          CASE WHEN s.asn IS NULL THEN NULL ELSE EXISTS (SELECT 1 FROM sign_ins p WHERE p.source_id = s.source_id AND p.user_key = s.user_key
             AND p.asn = s.asn AND p.event_time_ms >= s.event_time_ms - ${w.asnLookbackMs}::bigint AND p.event_time_ms < s.event_time_ms) END AS asn_seen,
          r.countries AS recent_countries, r.ips AS recent_ips,
          CASE WHEN s.ip IS NULL THEN 0 ELSE (SELECT count(DISTINCT p.user_key) FROM sign_ins p WHERE p.source_id = s.source_id AND p.ip = s.ip
             AND p.event_time_ms >= s.event_time_ms - ${w.sharedIpWindowMs}::bigint AND p.event_time_ms <= s.event_time_ms) END AS ip_users
        FROM sign_ins s
        CROSS JOIN LATERAL (SELECT count(DISTINCT p.country) AS countries, count(DISTINCT p.ip) AS ips FROM sign_ins p
             WHERE p.source_id = s.source_id AND p.user_key = s.user_key
             AND p.event_time_ms >= s.event_time_ms - ${w.burstWindowMs}::bigint AND p.event_time_ms <= s.event_time_ms) r
        WHERE s.source_id = ${sourceId} AND s.row_id = ANY(${chunk}::text[])`.execute(this.db);
      for (const row of result.rows) {
        const previous = row.previous === null ? null : toSignInFact(JSON.parse(row.previous) as FactRowJson);
        found.set(row.row_id, {
          fact: toSignInFact(row),
          context: {
            previous,
            previousLocated: row.previous_located === null ? null : toSignInFact(JSON.parse(row.previous_located) as FactRowJson),
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
