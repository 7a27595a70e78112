import type { SinkRecord, SinkStore } from '../store/sink-store.js';
import type { StoredEvent } from '../store/store.js';
import { formatEvent, type FormattedEvent } from './formats/event-format.js';
import { formatFor } from './formats/format-registry.js';
import type { SendError } from './sink.js';
import { openSinkContext, type SinkContextDeps } from './sink-context.js';
import { sinkFor } from './sink-registry.js';
import type { StartPoint } from './sink-start-point.js';

export interface SinkActionDeps extends SinkContextDeps {
  store: SinkStore & Pick<SinkStore, 'getSinkSecret'>;
}

/** What a test send did: ok, or the sink's error (our words: status and host, never the receiver's answer). */
export type TestSendResult = { ok: true } | { ok: false; error: SendError };

/** The log type of the synthetic test event (a receiver can drop it by this). */
export const TEST_LOG_TYPE = 'Zoomtrail.Test';

/** Sends one synthetic event (log type Zoomtrail.Test) to `sink`, ignoring its filters, pause and cursor. */
export async function sendTestEvent(sink: SinkRecord, deps: SinkActionDeps): Promise<TestSendResult> {
  const now = deps.clock.now();
  const rowId = `zoomtrail-test-${now}`;
  const event: FormattedEvent = {
    rowId,
    logType: TEST_LOG_TYPE,
    eventTimeMs: now,
    record: { p_log_type: TEST_LOG_TYPE, p_row_id: rowId, p_event_time: new Date(now).toISOString(), message: `Zoomtrail test event for sink ${sink.name}` },
  };
  return withContext(sink, deps, async (send) => {
    const outcome = await send([event]);
    if (outcome.error) return { ok: false, error: outcome.error };
    if (outcome.rejected.length > 0) return { ok: false, error: { retryable: false, message: `the sink refused the test event: ${outcome.rejected[0]!.reason}` } };
    if (!outcome.delivered.includes(rowId)) return { ok: false, error: { retryable: true, message: 'the sink did not confirm the test event' } };
    return { ok: true };
  });
}

export interface RetryResult {
  delivered: number;
  /** Refused again (kept, with the new reason). */
  refused: number;
  /** Whose event is no longer stored (removed from the list). */
  gone: number;
  error?: SendError;
}

/**
 * Sends dead letters again (`rowIds`, or every one with `all`), in the sink's
 * format: delivered ones leave the list, refused ones stay with the new
 * reason, letters whose event was deleted leave it. A batch-level failure
 * keeps them all.
 */
export async function retryDeadLetters(sink: SinkRecord, which: { all: true } | { rowIds: readonly string[] }, deps: SinkActionDeps): Promise<RetryResult> {
  const { store } = deps;
  const wanted = 'all' in which ? (await store.listSinkDeadLetters(sink.id, 1_000_000)).map((l) => l.rowId) : [...which.rowIds];
  const listed = new Set((await store.listSinkDeadLetters(sink.id, 1_000_000)).map((l) => l.rowId));
  const rowIds = wanted.filter((id) => listed.has(id));
  const result: RetryResult = { delivered: 0, refused: 0, gone: 0 };
  const format = formatFor(sink.format);
  for (let i = 0; i < rowIds.length; i += 500) {
    const chunk = rowIds.slice(i, i + 500);
    const events: StoredEvent[] = await store.eventsByRowIds(chunk);
    const found = new Set(events.map((e) => e.rowId));
    const gone = chunk.filter((id) => !found.has(id));
    result.gone += await store.removeSinkDeadLetters(sink.id, gone);
    const refused: Array<{ rowId: string; reason: string }> = [];
    const formatted: FormattedEvent[] = [];
    for (const event of events) {
      try {
        formatted.push(formatEvent(format, event));
      } catch (e) {
        refused.push({ rowId: event.rowId, reason: `format ${sink.format}: ${e instanceof Error ? e.message : String(e)}` });
      }
    }
    const outcome = formatted.length === 0 ? { delivered: [], rejected: [] } : await withContext(sink, deps, (send) => send(formatted));
    if (outcome.error) return { ...result, error: outcome.error };
    result.delivered += await store.removeSinkDeadLetters(sink.id, outcome.delivered);
    refused.push(...outcome.rejected);
    result.refused += refused.length;
    if (refused.length > 0) {
      // Keep them with the new reason: advanceSink's dead-letter upsert at the current cursor (a zero move).
      const state = await store.getSinkState(sink.id);
      await store.advanceSink(sink.id, { from: state.cursor, to: state.cursor, delivered: 0, deadLetters: refused, storedAt: null, now: deps.clock.now() });
    }
  }
  return result;
}

/** Moves the sink's cursor back (or forward) to `point`; returns the backlog from there. */
export async function replaySink(sink: SinkRecord, point: StartPoint, deps: Pick<SinkActionDeps, 'store' | 'clock'>): Promise<number> {
  const { store } = deps;
  const cursor = point.kind === 'all' ? { xid: '0', seq: 0 } : point.kind === 'day' ? await store.sinkCursorAt(point.fromMs) : await store.sinkCursorAt(Number.MAX_SAFE_INTEGER);
  await store.moveSinkCursor(sink.id, cursor, deps.clock.now());
  return (await store.sinkBacklog(sink.id)).events;
}

async function withContext<T>(
  sink: SinkRecord,
  deps: SinkActionDeps,
  use: (send: (batch: readonly FormattedEvent[]) => ReturnType<ReturnType<typeof sinkFor>['send']>) => Promise<T>,
): Promise<T> {
  const module = sinkFor(sink.kind);
  const context = await openSinkContext(sink, deps);
  try {
    return await use(async (batch) => {
      try {
        return await module.send(batch, context);
      } catch (e) {
        return { delivered: [], rejected: [], error: { retryable: true, message: e instanceof Error ? e.message : String(e) } };
      }
    });
  } finally {
    await module.close?.(context).catch(() => undefined);
  }
}
