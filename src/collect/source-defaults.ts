/** Default source settings: a tenth of Pro's Heavy limits, 7 days back, poll every 5 minutes. */
export const SOURCE_DEFAULTS = {
  backfillDays: 7,
  pollIntervalMs: 5 * 60_000,
  settleDays: 2,
  reconcileIntervalMs: 60 * 60_000,
  requestsPerSecond: 2,
  requestsPerDay: 3000,
  dropOffAlarmMinutes: null,
} as const;
