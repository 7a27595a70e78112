import type BetterSqlite3 from 'better-sqlite3';
import type { SinkAdvancer } from './sink-repository.js';

const ADVANCE = `UPDATE sink_cursors SET cursor_xid = 0, cursor_seq = @to,
    delivered_count = delivered_count + @delivered, failed_count = failed_count + @failed,
    consecutive_failures = 0, next_attempt_at = 0, last_error_json = NULL,
    last_delivered_at = CASE WHEN @delivered > 0 THEN @now ELSE last_delivered_at END,
    delivered_stored_at = COALESCE(@storedAt, delivered_stored_at), updated_at = @now
  WHERE sink_id = @sinkId AND cursor_seq = @from`;

const DEAD_LETTER = `INSERT INTO sink_dead_letters (sink_id, row_id, reason, failed_at) VALUES (?, ?, ?, ?)
  ON CONFLICT (sink_id, row_id) DO UPDATE SET reason = excluded.reason, failed_at = excluded.failed_at`;

/**
 * SQLite's cursor advance: one synchronous better-sqlite3 transaction on the
 * writer's connection (a Kysely transaction would hold BEGIN across awaits, and
 * a page commit in between would nest into it). The UPDATE's WHERE on the
 * cursor is the compare-and-set.
 */
export function sqliteSinkAdvancer(db: BetterSqlite3.Database): SinkAdvancer {
  const advance = db.prepare(ADVANCE);
  const deadLetter = db.prepare(DEAD_LETTER);
  const run = db.transaction((sinkId: string, a: Parameters<SinkAdvancer>[1]): boolean => {
    const { changes } = advance.run({ sinkId, from: a.from.seq, to: a.to.seq, delivered: a.delivered, failed: a.deadLetters.length, now: a.now, storedAt: a.storedAt });
    if (changes !== 1) return false;
    for (const letter of a.deadLetters) deadLetter.run(sinkId, letter.rowId, letter.reason, a.now);
    return true;
  });
  return async (sinkId, a) => run(sinkId, a);
}
