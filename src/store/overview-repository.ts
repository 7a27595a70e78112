import { sql, type Kysely } from 'kysely';
import type { Severity } from '../domain/severity.js';
import { hourOf } from './event-hour-counts.js';
import { hourOfSql } from './migrations/007-search-indexes.js';
import type { CountryCount, HourlyLogTypeCount, HourlySeverityCount, OpenAlertCount, OverviewStore } from './overview-store.js';
import type { StoreTables } from './store-tables.js';

/**
 * The overview's queries, as builders (the SQLite test checks their plans use
 * the indexes). Dialect-neutral: the hour of a raise is integer arithmetic.
 */
export function overviewQueries(db: Kysely<StoreTables>) {
  return {
    eventCountsByHour: (fromMs: number, toMs: number) =>
      db
        .selectFrom('event_hour_counts')
        .select(['hour_ms', 'log_type', (eb) => eb.fn.sum<number | string>('event_count').as('n')])
        .where('hour_ms', '>=', hourOf(fromMs))
        .where('hour_ms', '<', toMs)
        .groupBy(['hour_ms', 'log_type'])
        .orderBy('hour_ms')
        .orderBy('log_type'),
    alertCountsByHour: (fromMs: number, toMs: number) => {
      const hour = sql<number | string>`${sql.raw(hourOfSql('raised_at'))}`;
      return db
        .selectFrom('alerts')
        .select([hour.as('hour_ms'), 'severity', (eb) => eb.fn.countAll<number | string>().as('n')])
        .where('raised_at', '>=', fromMs)
        .where('raised_at', '<', toMs)
        .groupBy([hour, 'severity'])
        .orderBy(hour)
        .orderBy('severity');
    },
    openAlertCounts: () =>
      db
        .selectFrom('alerts')
        .select(['rule_id', 'severity', (eb) => eb.fn.countAll<number | string>().as('n')])
        .where('status', '=', 'open')
        .where('raised_at', 'is not', null)
        .groupBy(['rule_id', 'severity'])
        .orderBy(sql`count(*)`, 'desc')
        .orderBy('rule_id')
        .orderBy('severity'),
    signInCountries: (fromMs: number, toMs: number, limit: number) =>
      db
        .selectFrom('sign_ins')
        .select(['country', (eb) => eb.fn.countAll<number | string>().as('n')])
        .where('event_time_ms', '>=', fromMs)
        .where('event_time_ms', '<', toMs)
        .where('country', 'is not', null)
        .groupBy('country')
        .orderBy(sql`count(*)`, 'desc')
        .orderBy('country')
        .limit(limit),
  };
}

/** OverviewStore through Kysely, shared by every store. */
export class OverviewRepository implements OverviewStore {
  readonly #q: ReturnType<typeof overviewQueries>;

  constructor(db: Kysely<StoreTables>) {
    this.#q = overviewQueries(db);
  }

  async eventCountsByHour(fromMs: number, toMs: number): Promise<HourlyLogTypeCount[]> {
    const rows = await this.#q.eventCountsByHour(fromMs, toMs).execute();
    return rows.map((r) => ({ hourMs: Number(r.hour_ms), logType: r.log_type, count: Number(r.n) })).filter((r) => r.count > 0);
  }

  async alertCountsByHour(fromMs: number, toMs: number): Promise<HourlySeverityCount[]> {
    const rows = await this.#q.alertCountsByHour(fromMs, toMs).execute();
    return rows.map((r) => ({ hourMs: Number(r.hour_ms), severity: r.severity as Severity, count: Number(r.n) }));
  }

  async openAlertCounts(): Promise<OpenAlertCount[]> {
    const rows = await this.#q.openAlertCounts().execute();
    return rows.map((r) => ({ ruleId: r.rule_id, severity: r.severity as Severity, count: Number(r.n) }));
  }

  async signInCountries(fromMs: number, toMs: number, limit: number): Promise<CountryCount[]> {
    const rows = await this.#q.signInCountries(fromMs, toMs, limit).execute();
    return rows.map((r) => ({ country: r.country ?? '', count: Number(r.n) }));
  }
}
