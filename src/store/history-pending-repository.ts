import type { Kysely } from 'kysely';
import type { LogType } from '../zoom/report-records.js';
import { toStoredEvent } from './event-reader.js';
import type { HistoryPendingDay } from './sign-in-history-store.js';
import type { StoredEvent } from './store.js';
import type { StoreTables } from './store-tables.js';

/** Reads the history rules' queue (`history_pending`, migration 009) through Kysely (dialect-neutral). */
export class HistoryPendingRepository {
  constructor(private readonly db: Kysely<StoreTables>) {}

  async days(): Promise<HistoryPendingDay[]> {
    const rows = await this.db
      .selectFrom('history_pending')
      .select(['source_id', 'log_type', 'day', (eb) => eb.fn.countAll().as('n')])
      .groupBy(['source_id', 'log_type', 'day'])
      .orderBy('day')
      .orderBy('source_id')
      .orderBy('log_type')
      .execute();
    return rows.map((r) => ({ sourceId: r.source_id, logType: r.log_type as LogType, day: r.day, events: Number(r.n) }));
  }

  async events(sourceId: string, logType: LogType, day: string, limit: number, after?: { eventTimeMs: number; rowId: string }): Promise<StoredEvent[]> {
    let query = this.db
      .selectFrom('history_pending')
      .innerJoin('events', 'events.row_id', 'history_pending.row_id')
      .selectAll('events')
      .where('history_pending.source_id', '=', sourceId)
      .where('history_pending.log_type', '=', logType)
      .where('history_pending.day', '=', day);
    if (after) {
      query = query.where((eb) =>
        eb.or([
          eb('history_pending.event_time_ms', '>', after.eventTimeMs),
          eb.and([eb('history_pending.event_time_ms', '=', after.eventTimeMs), eb('history_pending.row_id', '>', after.rowId)]),
        ]),
      );
    }
    const rows = await query.orderBy('history_pending.event_time_ms').orderBy('history_pending.row_id').limit(limit).execute();
    return rows.map(toStoredEvent);
  }

  async count(): Promise<number> {
    const row = await this.db
      .selectFrom('history_pending')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
