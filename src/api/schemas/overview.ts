import { Type } from 'typebox';
import { IsoTime, Nullable, NullableIsoTime, SeveritySchema, StringArray } from './common.js';

/** GET /api/overview?from&to: the home page's aggregates, for one time range. */

/** Longest range the overview answers for. */
export const MAX_OVERVIEW_DAYS = 400;

export const OverviewQuerySchema = Type.Object({
  from: Type.Optional(Type.String({ format: 'date-time', description: 'Start (ISO 8601); default: `to` minus 7 days' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'End (ISO 8601, exclusive); default: now' })),
});

const Count = Type.Integer({ minimum: 0 });

export const OverviewSchema = Type.Object({
  from: IsoTime,
  to: IsoTime,
  /** Width of a bucket of the series (whole hours). */
  bucketMs: Type.Integer(),
  /** Start of each bucket, oldest first; every series has one number per bucket. */
  buckets: StringArray,
  /** Events per log type (from the hourly counts). */
  events: Type.Array(Type.Object({ logType: Type.String(), counts: Type.Array(Count), total: Count })),
  /** Alerts raised per severity. */
  alerts: Type.Array(Type.Object({ severity: SeveritySchema, counts: Type.Array(Count), total: Count })),
  /** Open alerts now, per rule and severity, most first. */
  openAlerts: Type.Array(Type.Object({ ruleId: Type.String(), ruleDisplayName: Type.String(), severity: SeveritySchema, count: Count })),
  /** Operation Logs in the range: who changed most, and which settings (parsed change names) changed most. */
  operations: Type.Object({
    /** Operation events read for these lists (the newest first). */
    read: Count,
    /** True when the range holds more than were read: the lists are of the newest `read`. */
    sampled: Type.Boolean(),
    topOperators: Type.Array(Type.Object({ operator: Type.String(), count: Count })),
    topSettings: Type.Array(Type.Object({ name: Type.String(), count: Count })),
  }),
  /** Sign-ins with a located address, per country, most first. */
  signInCountries: Type.Array(Type.Object({ country: Type.String(), count: Count })),
  sources: Type.Array(
    Type.Object({
      id: Type.String(),
      name: Type.String(),
      state: Type.String(),
      cause: Type.String(),
      lastEventTime: NullableIsoTime,
      /** One entry per UTC day of the range, oldest first: the worst coverage state over the log types (`none`: no row). */
      coverage: Type.Array(Type.Object({ day: Type.String(), state: Type.String() })),
    }),
  ),
  sinks: Type.Array(
    Type.Object({
      id: Type.String(),
      name: Type.String(),
      kind: Type.String(),
      paused: Type.Boolean(),
      backlog: Count,
      lagMs: Nullable(Type.Integer()),
      consecutiveFailures: Count,
      lastDeliveredAt: NullableIsoTime,
    }),
  ),
});

