import type { RuleMeta } from '../detect/rule.js';
import { LOG_TYPES } from '../zoom/report-records.js';

/** Zoomtrail's own alarms: system alerts through the same outbox and destinations as rule alerts. */
export const LOG_DROP_OFF = 'System.LogDropOff';
export const COVERAGE_AT_RISK = 'System.CoverageAtRisk';
export const SINK_STUCK = 'System.SinkStuck';

function systemMeta(id: string, displayName: string, description: string, runbook: string, tags: string[] = ['Zoomtrail', 'Source health']): RuleMeta {
  return {
    id,
    displayName,
    logTypes: LOG_TYPES,
    severity: 'HIGH',
    description,
    runbook,
    reference: '',
    tags,
    mitre: [],
    dedupPeriodMinutes: 0,
    threshold: 1,
    summaryAttributes: [],
    enabled: true,
  };
}

export const SYSTEM_ALARMS: ReadonlyMap<string, RuleMeta> = new Map([
  [
    LOG_DROP_OFF,
    systemMeta(
      LOG_DROP_OFF,
      'Zoom log drop-off',
      'No Zoom audit events were stored for this source for longer than its drop-off period. Either the Zoom account really had no sign-ins or admin operations, or Zoomtrail cannot collect them: the alert context carries the source health cause (whether polls succeed). Resolves by itself when events arrive again.',
      'Open the source in the console (Sources > the source): its state says whether polls succeed (quiet account) or fail (the cause and the fix are shown). If the account is idle at known times, set a quiet schedule or a longer drop-off period.',
    ),
  ],
  [
    COVERAGE_AT_RISK,
    systemMeta(
      COVERAGE_AT_RISK,
      'Zoom log days about to be lost',
      "Days that failed or were never read will soon leave Zoom's 6-month report window; once out, they can never be collected. Days a running backfill will read in time (its stream not failing, its next cycle at least an hour before the day leaves) are not listed. The alert context lists the days. Resolves by itself when the days are read or leave the window.",
      'Fix what makes the source fail (see its state in the console), then run a backfill covering the listed days (Sources > the source > Backfill, or `zoomtrail pull`).',
    ),
  ],
  [
    SINK_STUCK,
    systemMeta(
      SINK_STUCK,
      'Forwarding to a sink is stuck',
      'A sink has events waiting and has delivered nothing for longer than ZOOMTRAIL_SINK_STUCK_ALARM_MINUTES: the SIEM or bus it sends to is not receiving Zoom events. Nothing is lost (the backlog stays in the store); the alert context carries the backlog and the last error with its fix. Resolves by itself when the sink delivers again, or is paused or removed.',
      'Run `zoomtrail sink show <sink>` for the last error and its fix; fix the receiving side (URL, credentials, stream or index), then `zoomtrail sink flush --sink <sink>` to deliver the backlog now.',
      ['Zoomtrail', 'Forwarding'],
    ),
  ],
]);

/** The metadata of a system alarm, or undefined for other ids. */
export function systemAlarmMeta(ruleId: string): RuleMeta | undefined {
  return SYSTEM_ALARMS.get(ruleId);
}
