import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino, type Logger } from 'pino';
import { SourceCollector, type SourceCollectorDeps, type StreamCycleReport } from '../../src/collect/source-collector.js';
import { addDays } from '../../src/domain/utc-days.js';
import { loadNormalizers } from '../../src/normalize/log-type-registry.js';
import { utcDay } from '../../src/shared/clock.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import type { NewSource, SourceRecord, Store } from '../../src/store/store.js';
import type { LogType, ZoomLogType } from '../../src/zoom/report-records.js';
import type { ZoomSimulatorOptions } from '../../src/zoom-sim/zoom-simulator.js';
import { ACCOUNT_ID, S2S, startHarness, type Harness } from './sim-harness.js';

export const TEST_SECRET_KEY = '0f'.repeat(32);
export const normalizers = loadNormalizers();

export interface CollectHarness extends Harness {
  store: Store;
  dataDir: string;
  source: SourceRecord;
  collector: SourceCollector;
  logger: Logger;
  logLines: Record<string, unknown>[];
  addSource(overrides?: Partial<NewSource>): Promise<{ source: SourceRecord; collector: SourceCollector }>;
  /** One cycle of the harness's source. */
  cycle(options?: { reconcile?: boolean; force?: boolean }): Promise<StreamCycleReport[]>;
}

/** The simulator of sim-harness, a SQLite store in a temp dir, and one S2S source reading the simulator. */
export async function startCollectHarness(
  options: Partial<ZoomSimulatorOptions> & {
    volume?: { activities: number; operations: number };
    source?: Partial<NewSource>;
    /** Extra collector dependencies, e.g. `onEventsStored` for detection. */
    collectorDeps?: Partial<SourceCollectorDeps>;
  } = {},
): Promise<CollectHarness> {
  const { source: sourceOverrides, collectorDeps, ...simOptions } = options;
  const h = await startHarness(simOptions);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'zoomtrail-collect-'));
  const store = await openSqliteStore({ dataDir, clock: h.clock, env: { ZOOMTRAIL_SECRET_KEY: TEST_SECRET_KEY } });
  const logLines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void logLines.push(JSON.parse(line) as Record<string, unknown>) });
  const addSource = async (overrides: Partial<NewSource> = {}) => {
    const source = await store.createSource({
      name: 'Test Zoom',
      authKind: 's2s',
      zoomAccountId: ACCOUNT_ID,
      clientId: S2S.clientId,
      apiUrl: h.sim.apiUrl,
      oauthUrl: h.sim.baseUrl,
      backfillDays: 10,
      pollIntervalMs: 5 * 60_000,
      settleDays: 2,
      reconcileIntervalMs: 3_600_000,
      requestsPerSecond: 20,
      requestsPerDay: 100_000,
      paused: false,
      dropOffAlarmMinutes: null,
      credentials: { clientSecret: S2S.clientSecret },
      ...overrides,
    });
    return { source, collector: new SourceCollector(source, { store, clock: h.clock, logger, normalizers, ...collectorDeps }) };
  };
  const { source, collector } = await addSource(sourceOverrides);
  return {
    ...h,
    store,
    dataDir,
    source,
    collector,
    logger,
    logLines,
    addSource,
    cycle: (o = {}) => collector.runCycle(o),
    close: async () => {
      await store.close();
      await h.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The Zoom fields of each stored event (p_ fields left out), as the normalizer wrote them. */
export async function storedZoomRecords(store: Store, sourceId: string, logType: LogType, firstDay: string, lastDay: string): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for await (const stored of store.queryEvents({ sourceId, logType, sinceMs: Date.parse(`${firstDay}T00:00:00Z`), untilMs: Date.parse(`${addDays(lastDay, 1)}T00:00:00Z`) })) {
    out.push(Object.fromEntries(Object.entries(stored.event).filter(([k]) => !k.startsWith('p_'))));
  }
  return out;
}

/**
 * What the store must hold for these UTC days: the simulator's ground truth,
 * split by the schema into events (Zoom fields as normalized) and failures (raw).
 */
export function expectedFromTruth(
  h: Pick<Harness, 'sim'>,
  logType: ZoomLogType,
  firstDay: string,
  lastDay: string,
  accountId = ACCOUNT_ID,
): { events: Record<string, unknown>[]; failures: unknown[] } {
  // Ask wide, then keep the UTC days: the simulator's own day cut (±14 h, `to` exclusive) may differ.
  const truth = h.sim.account(accountId).groundTruth(logType, addDays(firstDay, -2), addDays(lastDay, 2));
  const normalizer = normalizers.get(logType)!;
  const events: Record<string, unknown>[] = [];
  const failures: unknown[] = [];
  for (const record of truth) {
    const result = normalizer.normalize(record, { sourceId: 'x', sourceLabel: 'x', rowId: 'x', parseTimeMs: 0 });
    if (result.ok) {
      const day = utcDay(result.value.eventTimeMs);
      if (day >= firstDay && day <= lastDay) events.push(Object.fromEntries(Object.entries(result.value.event).filter(([k]) => !k.startsWith('p_'))));
    } else if (result.problem.eventTimeMs === null || (utcDay(result.problem.eventTimeMs) >= firstDay && utcDay(result.problem.eventTimeMs) <= lastDay)) {
      failures.push(record);
    }
  }
  return { events, failures };
}
