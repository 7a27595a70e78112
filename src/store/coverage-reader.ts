import type { Kysely, Selectable } from 'kysely';
import type { LogType } from '../zoom/report-records.js';
import type { DayCoverage, DayState, StreamError, StreamState } from './store.js';
import type { DayCoverageTable, StoreTables, StreamsTable } from './store-tables.js';

/** Reads stream state and per-day coverage through Kysely (dialect-neutral). */
export class CoverageReader {
  constructor(private readonly db: Kysely<StoreTables>) {}

  /** The stream's state, or the default (nothing read yet) when it has no row. */
  async streamState(sourceId: string, logType: LogType): Promise<StreamState> {
    const row = await this.db.selectFrom('streams').selectAll().where('source_id', '=', sourceId).where('log_type', '=', logType).executeTakeFirst();
    return row ? toStreamState(row) : defaultStreamState(sourceId, logType);
  }

  /** Coverage rows with `fromDay <= day <= toDay`, oldest first. */
  async dayCoverage(sourceId: string, logType: LogType, fromDay: string, toDay: string): Promise<DayCoverage[]> {
    const rows = await this.db
      .selectFrom('day_coverage')
      .selectAll()
      .where('source_id', '=', sourceId)
      .where('log_type', '=', logType)
      .where('day', '>=', fromDay)
      .where('day', '<=', toDay)
      .orderBy('day')
      .execute();
    return rows.map(toDayCoverage);
  }
}

/** The state of a stream never touched. */
export function defaultStreamState(sourceId: string, logType: LogType): StreamState {
  return {
    sourceId,
    logType,
    newestEventTimeMs: null,
    lastPollAt: null,
    lastSuccessAt: null,
    readingWindow: null,
    readingPages: 0,
    lastError: null,
    consecutiveFailures: 0,
    nextAttemptAt: null,
  };
}

function toStreamState(row: Selectable<StreamsTable>): StreamState {
  return {
    sourceId: row.source_id,
    logType: row.log_type as LogType,
    newestEventTimeMs: nullableNumber(row.newest_event_time_ms),
    lastPollAt: nullableNumber(row.last_poll_at),
    lastSuccessAt: nullableNumber(row.last_success_at),
    readingWindow: row.reading_window,
    readingPages: Number(row.reading_pages),
    lastError: row.last_error_json === null ? null : (JSON.parse(row.last_error_json) as StreamError),
    consecutiveFailures: Number(row.consecutive_failures),
    nextAttemptAt: nullableNumber(row.next_attempt_at),
  };
}

function toDayCoverage(row: Selectable<DayCoverageTable>): DayCoverage {
  return {
    sourceId: row.source_id,
    logType: row.log_type as LogType,
    day: row.day,
    records: Number(row.records),
    lastFullReadAt: nullableNumber(row.last_full_read_at),
    state: row.state as DayState,
    ambiguous: Number(row.ambiguous) !== 0,
    gainedAfterComplete: Number(row.gained_after_complete),
    lastError: row.last_error,
    updatedAt: Number(row.updated_at),
  };
}

function nullableNumber(value: number | string | null): number | null {
  return value === null ? null : Number(value);
}
