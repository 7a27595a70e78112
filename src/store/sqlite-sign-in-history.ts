import type BetterSqlite3 from 'better-sqlite3';
import type { HistoryWindows } from '../domain/history-settings.js';
import type { SignInFact } from '../domain/sign-in-facts.js';
import type { SignInHistoryRecord } from './sign-in-history-store.js';
import { prepareRaw, type RowStatement } from './sqlite-statements.js';

/** The `sign_ins` columns of a SignInFact, in this order in each of the three facts of a history row. */
const FACT_COLUMNS = ['row_id', 'user_key', 'event_time_ms', 'ip', 'country', 'asn', 'lat', 'lng', 'accuracy_km'] as const;

/** A fact's columns in a history row (all null for an absent previous or previous located sign-in). */
type FactTuple = [
  row_id: string,
  user_key: string,
  event_time_ms: number,
  ip: string | null,
  country: string | null,
  asn: number | null,
  lat: number | null,
  lng: number | null,
  accuracy_km: number | null,
];
type AbsentFactTuple = [null, null, null, null, null, null, null, null, null];

/**
 * One row of HISTORY_SQL, as an array (better-sqlite3's raw mode: no object per
 * row): the sign-in, its previous and its previous located sign-in, then the
 * answers (`recent`: distinct countries and distinct IPs in the burst window,
 * as text `"<countries> <ips>"`, one scan for both).
 */
type HistoryTuple = [
  ...FactTuple,
  ...(FactTuple | AbsentFactTuple),
  ...(FactTuple | AbsentFactTuple),
  country_seen: number | null,
  asn_seen: number | null,
  recent: string,
  ip_users: number,
];

const FACT_WIDTH = FACT_COLUMNS.length;
const PREVIOUS_AT = FACT_WIDTH;
const LOCATED_AT = 2 * FACT_WIDTH;
const ANSWERS_AT = 3 * FACT_WIDTH;

const listed = (alias: string): string => FACT_COLUMNS.map((c) => `${alias}.${c}`).join(', ');

/**
 * The whole batch in one statement (one snapshot; no statement per question and
 * sign-in), each question an index seek or range scan on `sign_ins` (migration 009):
 * - `asked`: each asked row id once (json_each of the bound array), its sign-in
 *   through events' row-id index (sign_ins is keyed by the event's rowid,
 *   migration 025), in user then time order, so the seeks below walk the
 *   per-user indexes in key order (the order changes no answer);
 * - `p`, the previous sign-in: the user's newest time in [t - dormant, t) from
 *   the covering (source, user, time) index, then the highest row id at that
 *   exact millisecond (a tie), so the look-back is never sorted;
 * - `l`, the previous located sign-in: none when there is no previous one or it
 *   is older than the travel look-back, the previous one when it has a point,
 *   else the newest located one in [t - travel, t);
 * - country (ASN) seen: true without a seek when the previous sign-in has the
 *   same country (ASN) and lies in the look-back [t - look-back, t) (it is such
 *   a sign-in), else an EXISTS on the covering partial index;
 * - the user's distinct countries and IPs in [t - burst, t] in one scan; the
 *   IP's distinct users in [t - shared IP, t].
 * Each join's key is a subquery of the outer row, worked out once per row.
 */
const HISTORY_SQL = `
WITH asked AS MATERIALIZED (
  SELECT s.event_rowid, ${listed('s')}
  FROM (SELECT DISTINCT value AS row_id FROM json_each(@rowIds)) a
  JOIN events e ON e.row_id = a.row_id
  JOIN sign_ins s ON s.event_rowid = e.rowid
  WHERE s.source_id = @sourceId
  ORDER BY s.user_key, s.event_time_ms
)
SELECT ${listed('s')}, ${listed('p')}, ${listed('l')},
  CASE WHEN s.country IS NULL THEN NULL
    WHEN p.country = s.country AND p.event_time_ms >= s.event_time_ms - @country THEN 1
    ELSE EXISTS (SELECT 1 FROM sign_ins c
      WHERE c.source_id = @sourceId AND c.user_key = s.user_key AND c.country = s.country
        AND c.event_time_ms >= s.event_time_ms - @country AND c.event_time_ms < s.event_time_ms) END AS country_seen,
  CASE WHEN s.asn IS NULL THEN NULL
    WHEN p.asn = s.asn AND p.event_time_ms >= s.event_time_ms - @asn THEN 1
    ELSE EXISTS (SELECT 1 FROM sign_ins a
      WHERE a.source_id = @sourceId AND a.user_key = s.user_key AND a.asn = s.asn
        AND a.event_time_ms >= s.event_time_ms - @asn AND a.event_time_ms < s.event_time_ms) END AS asn_seen,
  (SELECT count(DISTINCT r.country) || ' ' || count(DISTINCT r.ip) FROM sign_ins r
    WHERE r.source_id = @sourceId AND r.user_key = s.user_key
      AND r.event_time_ms >= s.event_time_ms - @burst AND r.event_time_ms <= s.event_time_ms) AS recent,
  CASE WHEN s.ip IS NULL THEN 0 ELSE (SELECT count(DISTINCT i.user_key) FROM sign_ins i
    WHERE i.source_id = @sourceId AND i.ip = s.ip
      AND i.event_time_ms >= s.event_time_ms - @sharedIp AND i.event_time_ms <= s.event_time_ms) END AS ip_users
FROM asked s
LEFT JOIN sign_ins p ON p.event_rowid = (SELECT n.event_rowid FROM sign_ins n
  WHERE n.source_id = @sourceId AND n.user_key = s.user_key AND n.event_time_ms = (
    SELECT q.event_time_ms FROM sign_ins q
      WHERE q.source_id = @sourceId AND q.user_key = s.user_key
        AND q.event_time_ms >= s.event_time_ms - @dormant AND q.event_time_ms < s.event_time_ms
      ORDER BY q.event_time_ms DESC LIMIT 1)
  ORDER BY n.row_id DESC LIMIT 1)
LEFT JOIN sign_ins l ON l.event_rowid = CASE WHEN p.event_rowid IS NULL OR p.event_time_ms < s.event_time_ms - @travel THEN NULL
  WHEN p.lat IS NOT NULL THEN p.event_rowid
  ELSE (SELECT m.event_rowid FROM sign_ins m
    WHERE m.source_id = @sourceId AND m.user_key = s.user_key AND m.lat IS NOT NULL
      AND m.event_time_ms >= s.event_time_ms - @travel AND m.event_time_ms < s.event_time_ms
    ORDER BY m.event_time_ms DESC, m.row_id DESC LIMIT 1) END`;

/**
 * SQLite's answers to `SignInHistoryStore.signInHistory`: one prepared
 * statement for the whole batch (HISTORY_SQL). Per sign-in: the previous
 * sign-in, the previous located one when the previous has no point, whether
 * its country and ASN were seen, the user's window counts and the IP's users.
 */
export class SqliteSignInHistory {
  readonly #history: RowStatement<HistoryTuple>;

  constructor(db: BetterSqlite3.Database) {
    this.#history = prepareRaw<HistoryTuple>(db, HISTORY_SQL).raw(true);
  }

  signInHistory(sourceId: string, rowIds: readonly string[], w: HistoryWindows): Map<string, SignInHistoryRecord> {
    const found = new Map<string, SignInHistoryRecord>();
    if (rowIds.length === 0) return found;
    const rows = this.#history.all({
      rowIds: JSON.stringify(rowIds),
      sourceId,
      dormant: w.dormantLookbackMs,
      travel: w.travelLookbackMs,
      country: w.countryLookbackMs,
      asn: w.asnLookbackMs,
      burst: w.burstWindowMs,
      sharedIp: w.sharedIpWindowMs,
    });
    for (const row of rows) {
      const [countrySeen, asnSeen, recent, ipUsers] = row.slice(ANSWERS_AT) as [number | null, number | null, string, number];
      const space = recent.indexOf(' ');
      const fact = factAt(row, 0)!;
      found.set(fact.rowId, {
        fact,
        context: {
          previous: factAt(row, PREVIOUS_AT),
          previousLocated: factAt(row, LOCATED_AT),
          countrySeen: countrySeen === null ? null : countrySeen === 1,
          asnSeen: asnSeen === null ? null : asnSeen === 1,
          recentCountries: Number(recent.slice(0, space)),
          recentIps: Number(recent.slice(space + 1)),
          ipUsers,
        },
      });
    }
    // In the order asked (as one read per row id gave them).
    const out = new Map<string, SignInHistoryRecord>();
    for (const rowId of rowIds) {
      const record = found.get(rowId);
      if (record) out.set(rowId, record);
    }
    return out;
  }
}

/** The fact whose columns start at `at` in a history row, or null when they are null (no such sign-in). */
function factAt(row: HistoryTuple, at: number): SignInFact | null {
  const [row_id, user_key, event_time_ms, ip, country, asn, lat, lng, accuracy_km] = row.slice(at, at + FACT_WIDTH) as FactTuple | AbsentFactTuple;
  if (row_id === null) return null;
  return toSignInFact({ row_id, user_key, event_time_ms, ip, country, asn, lat, lng, accuracy_km });
}

/** A `sign_ins` row as a SignInFact (both stores). */
export function toSignInFact(row: {
  row_id: string;
  user_key: string;
  event_time_ms: number | string;
  ip: string | null;
  country: string | null;
  asn: number | string | null;
  lat: number | null;
  lng: number | null;
  accuracy_km: number | null;
}): SignInFact {
  return {
    rowId: row.row_id,
    user: row.user_key,
    timeMs: Number(row.event_time_ms),
    ip: row.ip,
    country: row.country,
    asn: row.asn === null ? null : Number(row.asn),
    lat: row.lat === null ? null : Number(row.lat),
    lng: row.lng === null ? null : Number(row.lng),
    accuracyKm: row.accuracy_km === null ? null : Number(row.accuracy_km),
  };
}
