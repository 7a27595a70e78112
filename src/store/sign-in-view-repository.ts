import { sql, type Kysely } from 'kysely';
import type { StoreTables } from './store-tables.js';

/** A country, network or address a user signed in from, with how often and when first and last (within the asked span). */
export interface SignInPlaceUse {
  key: string;
  signIns: number;
  firstSeenMs: number;
  lastSeenMs: number;
}

export interface SignInIpUse extends SignInPlaceUse {
  country: string | null;
  asn: number | null;
}

export interface StoredSignIn {
  rowId: string;
  sourceId: string;
  timeMs: number;
  ip: string | null;
  country: string | null;
  asn: number | null;
  lat: number | null;
  lng: number | null;
}

/** Sign-ins at one located point (the map). */
export interface SignInPoint {
  lat: number;
  lng: number;
  country: string | null;
  signIns: number;
  users: number;
  firstSeenMs: number;
  lastSeenMs: number;
}

export interface UserSignInSummary {
  total: number;
  byDay: { day: string; signIns: number }[];
  countries: SignInPlaceUse[];
  networks: SignInPlaceUse[];
  ips: SignInIpUse[];
  recent: StoredSignIn[];
}

export interface SignInSpan {
  /** The sources to read (the index is per source: every query seeks `(source_id, user_key, ...)`). */
  sourceIds: readonly string[];
  sinceMs: number;
  untilMs: number;
}

/** The store's read views of sign-ins for the console (user page, sign-in map); see SignInViewRepository. */
export interface SignInViewStore {
  userSignInSummary(user: string, span: SignInSpan, recentLimit: number): Promise<UserSignInSummary>;
  signInPoints(span: SignInSpan, user: string | undefined, limit: number): Promise<SignInPoint[]>;
  signInsByRowIds(rowIds: readonly string[]): Promise<(StoredSignIn & { user: string })[]>;
  alertIdsForRows(rowIds: readonly string[], limit: number): Promise<string[]>;
}

const DAY_MS = 86_400_000;
const toNumber = (v: number | string | bigint | null | undefined): number => (v === null || v === undefined ? 0 : Number(v));
const toNullableNumber = (v: number | string | bigint | null | undefined): number | null => (v === null || v === undefined ? null : Number(v));

/**
 * Read views of the stored sign-ins (`sign_ins`, migration 009) for the
 * console's user page and sign-in map. Every per-user query seeks the
 * `(source_id, user_key, event_time_ms)` index (one seek per source), so it
 * reads the user's sign-ins in the span and nothing else. The account-wide map
 * reads the span's rows of the narrow `sign_ins` table (it has no index by time
 * alone): bound it with the span. Dialect-neutral (SQLite and PostgreSQL).
 */
export class SignInViewRepository {
  readonly #db: Kysely<StoreTables>;
  readonly #dialect: 'sqlite' | 'postgres';

  constructor(db: Kysely<StoreTables>, dialect: 'sqlite' | 'postgres') {
    this.#db = db;
    this.#dialect = dialect;
  }

  #userRows(user: string, span: SignInSpan) {
    return this.#db
      .selectFrom('sign_ins')
      .where('source_id', 'in', [...span.sourceIds])
      .where('user_key', '=', user.trim().toLowerCase())
      .where('event_time_ms', '>=', span.sinceMs)
      .where('event_time_ms', '<', span.untilMs);
  }

  async userSummary(user: string, span: SignInSpan, recentLimit: number): Promise<UserSignInSummary> {
    if (span.sourceIds.length === 0) return { total: 0, byDay: [], countries: [], networks: [], ips: [], recent: [] };
    const dayExpr = sql<number | string>`(event_time_ms / ${sql.raw(String(DAY_MS))})`;
    const [byDay, countries, networks, ips, recent] = await Promise.all([
      this.#userRows(user, span)
        .select([dayExpr.as('d'), (eb) => eb.fn.countAll<number | string>().as('n')])
        .groupBy(dayExpr)
        .orderBy(dayExpr)
        .execute(),
      this.#userRows(user, span)
        .where('country', 'is not', null)
        .select(['country', (eb) => eb.fn.countAll<number | string>().as('n'), (eb) => eb.fn.min('event_time_ms').as('first'), (eb) => eb.fn.max('event_time_ms').as('last')])
        .groupBy('country')
        .execute(),
      this.#userRows(user, span)
        .where('asn', 'is not', null)
        .select(['asn', (eb) => eb.fn.countAll<number | string>().as('n'), (eb) => eb.fn.min('event_time_ms').as('first'), (eb) => eb.fn.max('event_time_ms').as('last')])
        .groupBy('asn')
        .execute(),
      this.#userRows(user, span)
        .where('ip', 'is not', null)
        .select([
          'ip',
          (eb) => eb.fn.max('country').as('country'),
          (eb) => eb.fn.max('asn').as('asn'),
          (eb) => eb.fn.countAll<number | string>().as('n'),
          (eb) => eb.fn.min('event_time_ms').as('first'),
          (eb) => eb.fn.max('event_time_ms').as('last'),
        ])
        .groupBy('ip')
        .execute(),
      this.#userRows(user, span)
        .select(['row_id', 'source_id', 'event_time_ms', 'ip', 'country', 'asn', 'lat', 'lng'])
        .orderBy('event_time_ms', 'desc')
        .orderBy('row_id', 'desc')
        .limit(recentLimit)
        .execute(),
    ]);
    const use = (key: string, r: { n: number | string; first: number | string | null; last: number | string | null }): SignInPlaceUse => ({
      key,
      signIns: toNumber(r.n),
      firstSeenMs: toNumber(r.first),
      lastSeenMs: toNumber(r.last),
    });
    const byRecency = (a: SignInPlaceUse, b: SignInPlaceUse) => b.lastSeenMs - a.lastSeenMs || (a.key < b.key ? -1 : 1);
    return {
      total: byDay.reduce((n, r) => n + toNumber(r.n), 0),
      byDay: byDay.map((r) => ({ day: new Date(toNumber(r.d) * DAY_MS).toISOString().slice(0, 10), signIns: toNumber(r.n) })),
      countries: countries.map((r) => use(r.country ?? '', r)).sort(byRecency),
      networks: networks.map((r) => use(String(toNumber(r.asn)), r)).sort(byRecency),
      ips: ips.map((r) => ({ ...use(r.ip ?? '', r), country: r.country ?? null, asn: toNullableNumber(r.asn) })).sort(byRecency),
      recent: recent.map((r) => ({
        rowId: r.row_id,
        sourceId: r.source_id,
        timeMs: toNumber(r.event_time_ms),
        ip: r.ip,
        country: r.country,
        asn: toNullableNumber(r.asn),
        lat: r.lat,
        lng: r.lng,
      })),
    };
  }

  /** Located sign-ins grouped by point, most first; of one user (indexed) or of the whole account (the span's rows). */
  async points(span: SignInSpan, user: string | undefined, limit: number): Promise<SignInPoint[]> {
    if (span.sourceIds.length === 0) return [];
    let q = this.#db
      .selectFrom('sign_ins')
      .where('source_id', 'in', [...span.sourceIds])
      .where('event_time_ms', '>=', span.sinceMs)
      .where('event_time_ms', '<', span.untilMs);
    if (user !== undefined) q = q.where('user_key', '=', user.trim().toLowerCase());
    const rows = await q
      .where('lat', 'is not', null)
      .where('lng', 'is not', null)
      .select([
        'lat',
        'lng',
        (eb) => eb.fn.max('country').as('country'),
        (eb) => eb.fn.countAll<number | string>().as('n'),
        (eb) => eb.fn.count<number | string>('user_key').distinct().as('users'),
        (eb) => eb.fn.min('event_time_ms').as('first'),
        (eb) => eb.fn.max('event_time_ms').as('last'),
      ])
      .groupBy(['lat', 'lng'])
      .orderBy(sql`count(*)`, 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      lat: Number(r.lat),
      lng: Number(r.lng),
      country: r.country ?? null,
      signIns: toNumber(r.n),
      users: toNumber(r.users),
      firstSeenMs: toNumber(r.first),
      lastSeenMs: toNumber(r.last),
    }));
  }

  /** The stored sign-ins with these row ids (an alert's events), located or not. */
  async signInsByRowIds(rowIds: readonly string[]): Promise<(StoredSignIn & { user: string })[]> {
    if (rowIds.length === 0) return [];
    // Through events' row-id index: on SQLite, sign_ins is keyed by the event's rowid (migration 025).
    const sameEvent = this.#dialect === 'sqlite' ? sql<boolean>`sign_ins.event_rowid = events.rowid` : sql<boolean>`sign_ins.row_id = events.row_id`;
    const rows = await this.#db
      .selectFrom('events')
      .innerJoin('sign_ins', (join) => join.on(sameEvent))
      .where('events.row_id', 'in', [...rowIds])
      .select([
        'sign_ins.row_id',
        'sign_ins.source_id',
        'sign_ins.user_key',
        'sign_ins.event_time_ms',
        'sign_ins.ip',
        'sign_ins.country',
        'sign_ins.asn',
        'sign_ins.lat',
        'sign_ins.lng',
      ])
      .execute();
    return rows.map((r) => ({
      rowId: r.row_id,
      sourceId: r.source_id,
      user: r.user_key,
      timeMs: toNumber(r.event_time_ms),
      ip: r.ip,
      country: r.country,
      asn: toNullableNumber(r.asn),
      lat: r.lat,
      lng: r.lng,
    }));
  }

  /** Ids of the alerts holding any of these events (alert_events' row-id index), at most `limit`. */
  async alertIdsForRows(rowIds: readonly string[], limit: number): Promise<string[]> {
    const ids = new Set<string>();
    for (let i = 0; i < rowIds.length && ids.size < limit; i += 500) {
      const rows = await this.#db
        .selectFrom('alert_events')
        .where('row_id', 'in', rowIds.slice(i, i + 500))
        .select('alert_id')
        .distinct()
        .execute();
      for (const r of rows) if (ids.size < limit) ids.add(r.alert_id);
    }
    return [...ids];
  }
}
