import type BetterSqlite3 from 'better-sqlite3';

/** Child tables first, the source last; each statement takes the source id once. */
const DELETES = [
  'DELETE FROM detection_pending WHERE row_id IN (SELECT row_id FROM events WHERE source_id = ?)',
  'DELETE FROM alert_events WHERE row_id IN (SELECT row_id FROM events WHERE source_id = ?)',
  'DELETE FROM rule_errors WHERE source_id = ?',
  'DELETE FROM event_indicators WHERE event_rowid IN (SELECT rowid FROM events WHERE source_id = ?)',
  'DELETE FROM events WHERE source_id = ?',
  'DELETE FROM classification_failures WHERE source_id = ?',
  'DELETE FROM day_coverage WHERE source_id = ?',
  'DELETE FROM streams WHERE source_id = ?',
  'DELETE FROM heartbeats WHERE source_id = ?',
  'DELETE FROM sources WHERE id = ?',
];

/**
 * Returns a function deleting a source with its streams, coverage, events,
 * indicators, failures, queued detections and rule errors (alerts stay, as
 * history, without the removed rows) in one synchronous SQLite transaction; it returns
 * whether the source existed.
 */
export function sqliteSourceRemover(db: BetterSqlite3.Database): (sourceId: string) => boolean {
  const statements = DELETES.map((sql) => db.prepare(sql));
  return db.transaction((sourceId: string) => {
    let changes = 0;
    for (const statement of statements) changes = statement.run(sourceId).changes;
    // The last statement deleted the source row itself.
    return changes > 0;
  });
}
