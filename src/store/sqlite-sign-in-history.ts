import type BetterSqlite3 from 'better-sqlite3';
import type { HistoryWindows } from '../domain/history-settings.js';
import type { SignInFact } from '../domain/sign-in-facts.js';
import type { SignInHistoryRecord } from './sign-in-history-store.js';
import { prepareRaw, type RowStatement } from './sqlite-statements.js';
import type { SignInsTable } from './store-tables.js';

type FactRow = SignInsTable;

/**
 * SQLite's answers to `SignInHistoryStore.signInHistory`: synchronous prepared
 * statements, each an index seek on `sign_ins` (migration 009), all in one read
 * transaction (one snapshot). Per sign-in: the previous sign-in, the previous
 * located one when the previous has no point, whether its country and ASN were
 * seen, the user's window counts and the IP's users.
 */
export class SqliteSignInHistory {
  readonly #read: (sourceId: string, rowIds: readonly string[], windows: HistoryWindows) => Map<string, SignInHistoryRecord>;

  constructor(db: BetterSqlite3.Database) {
    const s = {
      // Through events' row-id index: sign_ins is keyed by the event's rowid (migration 025).
      fact: prepareRaw<FactRow>(db, 'SELECT s.* FROM events e JOIN sign_ins s ON s.event_rowid = e.rowid WHERE e.row_id = ? AND s.source_id = ?'),
      previous: prepareRaw<FactRow>(
        db,
        `SELECT * FROM sign_ins WHERE source_id = ? AND user_key = ? AND event_time_ms >= ? AND event_time_ms < ?
          ORDER BY event_time_ms DESC, row_id DESC LIMIT 1`,
      ),
      previousLocated: prepareRaw<FactRow>(
        db,
        `SELECT * FROM sign_ins WHERE source_id = ? AND user_key = ? AND event_time_ms >= ? AND event_time_ms < ? AND lat IS NOT NULL
          ORDER BY event_time_ms DESC, row_id DESC LIMIT 1`,
      ),
      countrySeen: prepareRaw<{ one: number }>(
        db,
        'SELECT 1 AS one FROM sign_ins WHERE source_id = ? AND user_key = ? AND country = ? AND event_time_ms >= ? AND event_time_ms < ? LIMIT 1',
      ),
      asnSeen: prepareRaw<{ one: number }>(
        db,
        'SELECT 1 AS one FROM sign_ins WHERE source_id = ? AND user_key = ? AND asn = ? AND event_time_ms >= ? AND event_time_ms < ? LIMIT 1',
      ),
      recent: prepareRaw<{ countries: number; ips: number }>(
        db,
        'SELECT count(DISTINCT country) AS countries, count(DISTINCT ip) AS ips FROM sign_ins WHERE source_id = ? AND user_key = ? AND event_time_ms >= ? AND event_time_ms <= ?',
      ),
      ipUsers: prepareRaw<{ users: number }>(
        db,
        'SELECT count(DISTINCT user_key) AS users FROM sign_ins WHERE source_id = ? AND ip = ? AND event_time_ms >= ? AND event_time_ms <= ?',
      ),
    };
    const get = <Row>(statement: RowStatement<Row>, ...params: unknown[]): Row | undefined => statement.get(...params);

    this.#read = db.transaction((sourceId: string, rowIds: readonly string[], w: HistoryWindows) => {
      const out = new Map<string, SignInHistoryRecord>();
      for (const rowId of rowIds) {
        const row = get(s.fact, rowId, sourceId);
        if (!row) continue;
        const fact = toSignInFact(row);
        const t = fact.timeMs;
        const previousRow = get(s.previous, sourceId, fact.user, t - w.dormantLookbackMs, t);
        const previous = previousRow ? toSignInFact(previousRow) : null;
        let previousLocated: SignInFact | null = null;
        if (previous && previous.lat !== null && previous.timeMs >= t - w.travelLookbackMs) previousLocated = previous;
        else if (previous && previous.timeMs >= t - w.travelLookbackMs) {
          const located = get(s.previousLocated, sourceId, fact.user, t - w.travelLookbackMs, t);
          previousLocated = located ? toSignInFact(located) : null;
        }
        const recent = get(s.recent, sourceId, fact.user, t - w.burstWindowMs, t);
        out.set(rowId, {
          fact,
          context: {
            previous,
            previousLocated,
            countrySeen: fact.country === null ? null : get(s.countrySeen, sourceId, fact.user, fact.country, t - w.countryLookbackMs, t) !== undefined,
            asnSeen: fact.asn === null ? null : get(s.asnSeen, sourceId, fact.user, fact.asn, t - w.asnLookbackMs, t) !== undefined,
            recentCountries: Number(recent?.countries ?? 0),
            recentIps: Number(recent?.ips ?? 0),
            ipUsers: fact.ip === null ? 0 : Number(get(s.ipUsers, sourceId, fact.ip, t - w.sharedIpWindowMs, t)?.users ?? 0),
          },
        });
      }
      return out;
    });
  }

  signInHistory(sourceId: string, rowIds: readonly string[], windows: HistoryWindows): Map<string, SignInHistoryRecord> {
    return this.#read(sourceId, rowIds, windows);
  }
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
