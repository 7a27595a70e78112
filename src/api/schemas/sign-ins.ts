import { Type } from 'typebox';
import { AlertViewSchema } from './alerts.js';
import { IsoTime, Nullable, WithDefaults } from './common.js';
import { EventViewSchema } from './events.js';

/** The user page and the sign-in map: GET /api/users/:email/activity, GET /api/sign-ins/map. */

/** Longest span the views read (Zoom keeps six months). */
export const MAX_VIEW_DAYS = 180;

const Count = Type.Integer({ minimum: 0 });
const NullableString = Nullable(Type.String());
const NullableInteger = Nullable(Type.Integer());
const NullableNumber = Nullable(Type.Number());

export const UserParamsSchema = Type.Object({ email: Type.String({ minLength: 3, maxLength: 320 }) });

export const SpanQuerySchema = WithDefaults(
  Type.Object({
    days: Type.Integer({ minimum: 1, maximum: MAX_VIEW_DAYS, default: 90, description: 'days back from now' }),
  }),
);

const FirstLast = { signIns: Count, firstSeen: IsoTime, lastSeen: IsoTime };

export const UserActivitySchema = Type.Object({
  email: Type.String(),
  since: IsoTime,
  until: IsoTime,
  signIns: Type.Object({
    total: Count,
    byDay: Type.Array(Type.Object({ day: Type.String(), signIns: Count })),
    recent: Type.Array(
      Type.Object({ rowId: Type.String(), sourceId: Type.String(), time: IsoTime, ip: NullableString, country: NullableString, asn: NullableInteger }),
    ),
  }),
  /** Operations naming the user (as operator or in the detail), per day: from the newest `operationsScanned` only. */
  operationsByDay: Type.Array(Type.Object({ day: Type.String(), operations: Count })),
  countries: Type.Array(Type.Object({ country: Type.String(), ...FirstLast })),
  networks: Type.Array(Type.Object({ asn: Type.Integer(), org: NullableString, ...FirstLast })),
  ips: Type.Array(Type.Object({ ip: Type.String(), country: NullableString, asn: NullableInteger, ...FirstLast })),
  /** Zoom clients and versions of the user's sign-in and sign-out records (the newest `activitiesScanned`). */
  devices: Type.Array(Type.Object({ clientType: Type.String(), version: Type.String(), records: Count, firstSeen: IsoTime, lastSeen: IsoTime })),
  operations: Type.Array(EventViewSchema),
  alerts: Type.Array(AlertViewSchema),
  activitiesScanned: Count,
  operationsScanned: Count,
  /** True when a scan hit its limit: older records of the span are not in devices / operationsByDay. */
  truncated: Type.Boolean(),
});

export const SignInMapQuerySchema = WithDefaults(
  Type.Object({
    email: Type.Optional(Type.String({ minLength: 3, maxLength: 320 })),
    alertId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    days: Type.Integer({ minimum: 1, maximum: MAX_VIEW_DAYS, default: 30, description: 'days back from now (account and user maps)' }),
  }),
);

const MapPlace = Type.Object({ lat: Type.Number(), lng: Type.Number(), country: NullableString, ip: NullableString, time: IsoTime });

export const SignInMapSchema = Type.Object({
  scope: Type.Union([Type.Literal('account'), Type.Literal('user'), Type.Literal('alert')]),
  since: IsoTime,
  until: IsoTime,
  /** Located sign-ins grouped by point, most first. */
  points: Type.Array(Type.Object({ lat: Type.Number(), lng: Type.Number(), country: NullableString, signIns: Count, users: Count, firstSeen: IsoTime, lastSeen: IsoTime })),
  /** Impossible-travel pairs: from the previous sign-in to the one that alerted. */
  lines: Type.Array(Type.Object({ alertId: Type.String(), user: Type.String(), from: MapPlace, to: MapPlace, speedKmh: NullableNumber })),
  /** Sign-ins of the scope without a location (private or unknown addresses), alert scope only; else null. */
  unlocated: Nullable(Count),
});
