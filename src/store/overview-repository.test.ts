import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { CompiledQuery } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../shared/clock.js';
import { overviewQueries } from './overview-repository.js';
import { openSqliteStore, SQLITE_FILE_NAME } from './sqlite-store.js';
import { sqliteQueries } from './sqlite-statements.js';

const START = Date.parse('2026-03-10T12:00:00Z');

// The overview's aggregates must read indexes, never scan events, alerts or sign_ins (millions of rows).
describe('overview queries on SQLite', () => {
  let dir: string;
  let db: Database.Database;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'zoomtrail-overview-'));
    const store = await openSqliteStore({ dataDir: dir, clock: new ManualClock(START), env: {} });
    await store.close();
    db = new Database(join(dir, SQLITE_FILE_NAME), { readonly: true });
  });
  afterAll(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const plan = (query: { compile(): CompiledQuery }): string[] => {
    const { sql, parameters } = query.compile();
    return db
      .prepare(`EXPLAIN QUERY PLAN ${sql}`)
      .all(...(parameters as unknown[]))
      .map((row) => (row as { detail: string }).detail);
  };
  const q = overviewQueries(sqliteQueries);

  it.each([
    ['events per hour and log type', q.eventCountsByHour(START - 86_400_000, START), 'event_hour_counts'],
    ['alerts per hour and severity', q.alertCountsByHour(START - 86_400_000, START), 'alerts_raised'],
    ['open alerts per rule and severity', q.openAlertCounts(), 'alerts_status_raised'],
    ['sign-ins per country', q.signInCountries(START - 86_400_000, START, 20), 'sign_ins_time_country'],
  ])('%s: a range on an index, no table scan', (_name, query, index) => {
    const steps = plan(query);
    expect(steps.join('\n')).toContain(index);
    for (const step of steps) expect(step, steps.join('\n')).not.toMatch(/^SCAN (events|alerts|sign_ins|event_hour_counts)\b(?!.*INDEX)/);
    expect(
      steps.some((s) => /^SEARCH /.test(s)),
      steps.join('\n'),
    ).toBe(true);
  });
});
