import { COVERAGE_LOG_TYPE, type CoverageRecord } from '../domain/coverage-digest.js';
import type { EventFormat, FormattedEvent } from './formats/event-format.js';
import type { SendOutcome, Sink, SinkContext } from './sink.js';

/** A coverage record as a sink sends it, in the sink's format; log type `Zoomtrail.Coverage`. */
export function formatCoverage(record: CoverageRecord, format: EventFormat): FormattedEvent {
  return { rowId: record.id, logType: COVERAGE_LOG_TYPE, eventTimeMs: Date.parse(`${record.day}T00:00:00.000Z`), record: format.formatCoverage(record) };
}

/** Sends a batch's coverage records; every record must be answered, or the batch is retried. */
export async function sendCoverage(module: Sink, records: readonly CoverageRecord[], format: EventFormat, context: SinkContext, kind: string): Promise<SendOutcome> {
  try {
    const outcome = await module.send(
      records.map((r) => formatCoverage(r, format)),
      context,
    );
    if (outcome.error) return outcome;
    const answered = new Set([...outcome.delivered, ...outcome.rejected.map((r) => r.rowId)]);
    const missing = records.filter((r) => !answered.has(r.id)).length;
    if (missing > 0)
      return {
        ...outcome,
        error: { retryable: true, message: `the ${kind} sink confirmed ${records.length - missing} of ${records.length} coverage records`, fix: 'The batch is retried.' },
      };
    return outcome;
  } catch (e) {
    return { delivered: [], rejected: [], error: { retryable: true, message: e instanceof Error ? e.message : String(e), fix: 'The batch is retried; see the log.' } };
  }
}
