/**
 * Deterministic, seeded Zoom report records for the Zoom simulator.
 *
 * Zoom itself cannot be reached from our machines, so every collector test runs
 * against the simulator, and the simulator serves what this module generates.
 * The records follow the formats in zoom-api.md, quirks included (two spaces
 * before the dash, trailing spaces, missing optional keys, identical records in
 * one second), because those quirks are what the collector and the rules must
 * survive.
 */
import type { ActivityLogRecord, OperationLogRecord } from '../zoom/report-records.js';
import { SeededRandom } from './seeded-random.js';

export interface DayVolume {
  activities: number;
  operations: number;
}

export interface GenerateDayOptions {
  seed: number;
  /** `yyyy-mm-dd`, a UTC day. */
  day: string;
  /** How many records of each kind to produce for that day (exact counts). */
  volume: DayVolume;
  /** Email domain, default `example.com`. */
  domain?: string;
  /** Share of operation records that are the detection-triggering changes below, default 0.05. */
  detectionShare?: number;
  /** Share of records that get an exact duplicate in the same second (two real identical events), default 0.01. */
  identicalShare?: number;
}

export interface GeneratedDay {
  activities: ActivityLogRecord[];
  operations: OperationLogRecord[];
  /**
   * Ground truth for detection tests, independent of the rules: each
   * operation made from DETECTION_TRIGGERS (an alert of `ruleId` expected) or
   * NEAR_MISSES (no alert of any Zoom rule expected), copies included.
   */
  planted: PlantedSample[];
}

export interface PlantedSample {
  /** The record as generated (the same object as in `operations`). */
  record: OperationLogRecord;
  ruleId: string;
  /** True for a trigger, false for a near miss. */
  expectAlert: boolean;
}

/** An operation record, without time and operator, that a rule is expected to fire or not fire on. */
export interface DetectionSample {
  /** Id of the Panther rule concerned. */
  ruleId: string;
  category_type: string;
  action: string;
  operation_detail: string;
  /**
   * True when this is the same change as a Panther test event, written in a way
   * Panther's raw string comparison misses. A better rule should still fire.
   */
  variant?: boolean;
  /** Why the sample is here, for test failure messages. */
  note?: string;
}

/** Panther's eight Zoom.Operation detections, in the order of panther-conventions.md. */
export const PANTHER_ZOOM_RULE_IDS = [
  'Zoom.All.Meetings.Secured.With.One.Option.Disabled',
  'Zoom.Automatic.Sign.Out.Disabled',
  'Zoom.New.Meeting.Passcode.Required.Disabled',
  'Zoom.PasscodeDisabled',
  'Zoom.Sign.In.Method.Modified',
  'Zoom.Sign.In.Requirements.Changed',
  'Zoom.Two.Factor.Authentication.Disabled',
  'Zoom.User.Promoted.to.Privileged.Role',
] as const;

const [
  RULE_ONE_OPTION,
  RULE_AUTO_SIGN_OUT,
  RULE_NEW_MEETING_PASSCODE,
  RULE_GROUP_PASSCODE,
  RULE_SIGN_IN_METHOD,
  RULE_SIGN_IN_REQUIREMENTS,
  RULE_TWO_FACTOR,
  RULE_PRIVILEGED_ROLE,
] = PANTHER_ZOOM_RULE_IDS;

const TWO_FACTOR_OFF = 'Security  - Sign in with Two-Factor Authentication: from On to Off';
const NEW_MEETING_PASSCODE_OFF = 'Security  - Require a passcode when scheduling new meetings: from On to Off';

function account(ruleId: string, operation_detail: string, extra: Partial<DetectionSample> = {}): DetectionSample {
  return { ruleId, category_type: 'Account', action: 'Update', operation_detail, ...extra };
}

/**
 * Operation records each of Panther's Zoom detections fires on, plus `variant`
 * records: the same change in a form Panther's exact comparisons miss.
 * Emails use `example.com`; `generateDay` rewrites them to its `domain`.
 */
export const DETECTION_TRIGGERS: ReadonlyArray<DetectionSample> = [
  account(RULE_ONE_OPTION, 'Security  - Require that all meetings are secured with one security option: from On to Off'),
  account(
    RULE_ONE_OPTION,
    'Security  - Waiting Room: from On to Off - Require that all meetings are secured with one security option: from On to Off ',
    { note: 'several changes and a trailing space; Panther matches a substring, so it still fires' },
  ),
  account(RULE_AUTO_SIGN_OUT, 'Security  - Automatically sign users out after a specified time: from On to Off'),
  account(RULE_AUTO_SIGN_OUT, 'Security  - Automatically sign users out after a specified time: from On to Off ', {
    note: 'trailing space; Panther matches a substring, so it still fires',
  }),
  account(RULE_NEW_MEETING_PASSCODE, NEW_MEETING_PASSCODE_OFF),
  account(RULE_NEW_MEETING_PASSCODE, 'Security - Require a passcode when scheduling new meetings: from On to Off', {
    variant: true,
    note: 'one space before the dash; Panther compares the whole detail',
  }),
  account(RULE_NEW_MEETING_PASSCODE, `${NEW_MEETING_PASSCODE_OFF} `, {
    variant: true,
    note: 'trailing space; Panther compares the whole detail',
  }),
  account(
    RULE_NEW_MEETING_PASSCODE,
    `${NEW_MEETING_PASSCODE_OFF} - Require a passcode for instant meetings: from On to Off`,
    { variant: true, note: 'joined with a second change; Panther compares the whole detail' },
  ),
  {
    ruleId: RULE_GROUP_PASSCODE,
    category_type: 'User Group',
    action: 'Update',
    operation_detail: 'Edit Group Springfield  - Personal Meeting ID (PMI) Passcode: from On to Off',
  },
  {
    ruleId: RULE_GROUP_PASSCODE,
    category_type: 'User Group',
    action: 'Update',
    operation_detail: 'Edit Group Engineers  - Personal Meeting ID (PMI) Passcode: from On to Off ',
    note: 'trailing space; Panther strips the change, so it still fires',
  },
  {
    ruleId: RULE_GROUP_PASSCODE,
    category_type: 'User Group',
    action: 'Update',
    operation_detail: 'Edit Group Sales-EMEA  - Personal Meeting ID (PMI) Passcode: from On to Off',
    variant: true,
    note: 'hyphen in the group name; Panther splits the detail on every "-"',
  },
  {
    ruleId: RULE_GROUP_PASSCODE,
    category_type: 'User Group',
    action: 'Update',
    operation_detail:
      'Edit Group Contractors  - Join before host: from Off to On - Personal Meeting ID (PMI) Passcode: from On to Off ',
    variant: true,
    note: 'passcode is the second change; Panther only reads the first',
  },
  account(RULE_SIGN_IN_METHOD, 'Sign-in Methods  - Allow users to sign in with Google: from Off to On'),
  account(RULE_SIGN_IN_METHOD, 'Sign-in Methods  - Allow users to sign in with Apple ID: from Off to On ', {
    note: 'trailing space; Panther matches substrings, so it still fires',
  }),
  account(RULE_SIGN_IN_METHOD, 'Sign-in Methods - Allow users to sign in with Microsoft: from Off to On', {
    variant: true,
    note: 'one space before the dash; Panther looks for two',
  }),
  account(
    RULE_SIGN_IN_REQUIREMENTS,
    'Sign-In Password Requirement  - Include at least 1 letter: from On to Off - Include at least 1 number: from On to Off - Include both uppercase and lowercase characters: from On to Off',
  ),
  account(
    RULE_SIGN_IN_REQUIREMENTS,
    'Sign-In Password Requirement  - Have at least specified length of characters: from 8 to 14 - Include at least 1 special character: from On to Off ',
    { note: 'a numeric change first and a trailing space; Panther matches substrings, so it still fires' },
  ),
  account(RULE_TWO_FACTOR, TWO_FACTOR_OFF),
  account(RULE_TWO_FACTOR, 'Security - Sign in with Two-Factor Authentication: from On to Off', {
    variant: true,
    note: 'one space before the dash; Panther compares the whole detail',
  }),
  account(RULE_TWO_FACTOR, `${TWO_FACTOR_OFF} `, {
    variant: true,
    note: 'trailing space; Panther compares the whole detail',
  }),
  account(RULE_TWO_FACTOR, `${TWO_FACTOR_OFF} - Only authenticated users can join meetings: from On to Off`, {
    variant: true,
    note: 'joined with a second change; Panther compares the whole detail',
  }),
  {
    ruleId: RULE_PRIVILEGED_ROLE,
    category_type: 'User',
    action: 'Update',
    operation_detail: 'Change Role  - jordan.lee@example.com: from Member to Admin',
  },
  {
    ruleId: RULE_PRIVILEGED_ROLE,
    category_type: 'User',
    action: 'Batch Update',
    operation_detail: 'Change Role  - priya.patel@example.com: from Member to Co-Owner',
    note: 'Panther tests for "Update" in the action, so Batch Update fires',
  },
  {
    ruleId: RULE_PRIVILEGED_ROLE,
    category_type: 'User',
    action: 'SCIM API - Update',
    operation_detail: 'Change Role  - noah.kim@example.com: from Member to Billing Admin',
  },
  {
    ruleId: RULE_PRIVILEGED_ROLE,
    category_type: 'User',
    action: 'Update',
    operation_detail: 'Change Role  - sara.costa@example.com: from Auditors to Owner',
    note: 'a custom role is not privileged',
  },
  {
    ruleId: RULE_PRIVILEGED_ROLE,
    category_type: 'User',
    action: 'Update',
    operation_detail: 'Change Role - lucas.silva@example.com: from Member to Admin',
    note: 'one space before the dash; Panther only checks the "Change Role" prefix, so it still fires',
  },
  {
    ruleId: RULE_PRIVILEGED_ROLE,
    category_type: 'User',
    action: 'Update',
    operation_detail: 'Change Role  - jordan.lee@example.com: from Member to Admin ',
    variant: true,
    note: 'trailing space; Panther reads the new role as "Admin "',
  },
  {
    ruleId: RULE_PRIVILEGED_ROLE,
    category_type: 'User',
    action: 'Batch Update',
    operation_detail: 'Change Role  - mei.tanaka@example.com: from Member to Co-Owner ',
    variant: true,
    note: 'Batch Update with a trailing space; Panther reads the new role as "Co-Owner "',
  },
];

/**
 * Records that look like DETECTION_TRIGGERS but must not fire the rule named
 * in `ruleId` (nor, in Panther, any other of the eight). `generateDay` mixes
 * them into ordinary traffic: turning a protection back on is normal admin work.
 */
export const NEAR_MISSES: ReadonlyArray<DetectionSample> = [
  account(RULE_ONE_OPTION, 'Security  - Require that all meetings are secured with one security option: from Off to On', {
    note: 'turned on, not off',
  }),
  account(RULE_AUTO_SIGN_OUT, 'Security  - Automatically sign users out after a specified time: from Off to On', {
    note: 'turned on, not off',
  }),
  account(RULE_NEW_MEETING_PASSCODE, 'Security  - Require a passcode when scheduling new meetings: from Off to On', {
    note: 'turned on, not off',
  }),
  account(RULE_NEW_MEETING_PASSCODE, 'Security  - Require a passcode for instant meetings: from On to Off', {
    note: 'instant meetings, not new scheduled meetings',
  }),
  {
    ruleId: RULE_GROUP_PASSCODE,
    category_type: 'User Group',
    action: 'Update',
    operation_detail: 'Edit Group Springfield  - Personal Meeting ID (PMI) Passcode: from Off to On',
    note: 'turned on, not off',
  },
  {
    ruleId: RULE_GROUP_PASSCODE,
    category_type: 'User Group',
    action: 'Add',
    operation_detail: 'Add Group Engineers',
    note: 'a new group, no setting change',
  },
  {
    ruleId: RULE_GROUP_PASSCODE,
    category_type: 'User Group',
    action: 'Update',
    operation_detail:
      'Edit Group Springfield  - Personal Meeting ID (PMI) Passcode: from Off to On - Join before host: from On to Off ',
    note: 'passcode turned on; the setting turned off is another one',
  },
  account(RULE_SIGN_IN_METHOD, 'Sign-in Methods  - Allow users to sign in with Google: from On to Off', {
    note: 'a sign-in method removed, not added',
  }),
  account(
    RULE_SIGN_IN_REQUIREMENTS,
    'Sign-In Password Requirement  - Have at least specified length of characters: from 8 to 14 - Include at least 1 letter: from Off to On',
    { note: 'requirements tightened' },
  ),
  account(RULE_TWO_FACTOR, 'Security  - Sign in with Two-Factor Authentication: from Off to On', {
    note: 'turned on, not off',
  }),
  account(RULE_TWO_FACTOR, 'Security  - Sign in with Two-Factor Authentication: from Off to Off', {
    note: 'saved while already off: nothing was turned off',
  }),
  account(RULE_SIGN_IN_REQUIREMENTS, 'Sign-In Password Requirement  - Include at least 1 number: from Off to Off ', {
    note: 'saved while already off: no requirement was dropped',
  }),
  {
    ruleId: RULE_PRIVILEGED_ROLE,
    category_type: 'User',
    action: 'Update',
    operation_detail: 'Change Role  - omar.hansen@example.com: from Admin to Owner',
    note: 'Admin is already privileged',
  },
  {
    ruleId: RULE_PRIVILEGED_ROLE,
    category_type: 'User',
    action: 'Batch Update',
    operation_detail: 'Change Role  - omar.hansen@example.com: from Admin to Billing Admin',
    note: 'Admin is already privileged',
  },
  {
    ruleId: RULE_PRIVILEGED_ROLE,
    category_type: 'User',
    action: 'Batch Update',
    operation_detail: 'Change Role  - grace.wong@example.com: from Co-Owner to Admin',
    note: 'Co-Owner is already privileged',
  },
  {
    ruleId: RULE_PRIVILEGED_ROLE,
    category_type: 'User',
    action: 'Update',
    operation_detail: 'Change Role  - grace.wong@example.com: from Admin to Member',
    note: 'a demotion',
  },
  {
    ruleId: RULE_PRIVILEGED_ROLE,
    category_type: 'User',
    action: 'Update',
    operation_detail: 'Change Role  - theo.weber@example.com: from Member to Auditors',
    note: 'a custom role is not privileged',
  },
  {
    ruleId: RULE_PRIVILEGED_ROLE,
    category_type: 'User',
    action: 'SCIM API - Update',
    operation_detail: 'Edit User theo.weber@example.com  - Change Type: from Basic to Licensed',
    note: 'a license change, not a role change',
  },
  {
    ruleId: RULE_PRIVILEGED_ROLE,
    category_type: 'User',
    action: 'Update',
    operation_detail: 'Update User zara.nguyen@example.com  - Department: set to Admin',
    note: '"to Admin" names a department here',
  },
];

// ---------------------------------------------------------------------------
// Population: the same ~50 people on every day of one seed.

const FIRST_NAMES = [
  'alex', 'amara', 'ana', 'ben', 'carlos', 'chen', 'chloe', 'daniel', 'dev', 'diego',
  'elena', 'emma', 'fatima', 'felix', 'grace', 'hana', 'hugo', 'ines', 'isaac', 'jamal',
  'jordan', 'julia', 'kai', 'kenji', 'lara', 'leo', 'lina', 'lucas', 'maya', 'mei',
  'mohammed', 'nadia', 'noah', 'olivia', 'omar', 'priya', 'rafael', 'rosa', 'sam', 'sara',
  'sofia', 'tariq', 'theo', 'uma', 'victor', 'wei', 'yara', 'yusuf', 'zoe', 'zara',
] as const;

const LAST_NAMES = [
  'adams', 'ahmed', 'alvarez', 'baker', 'becker', 'brown', 'chen', 'cohen', 'costa', 'diaz',
  'dubois', 'evans', 'fischer', 'garcia', 'gupta', 'hansen', 'hughes', 'ito', 'jensen', 'kim',
  'kowalski', 'kumar', 'lee', 'lopez', 'martin', 'meyer', 'moreau', 'murphy', 'nakamura', 'nguyen',
  'novak', 'okafor', 'olsen', 'patel', 'perez', 'rossi', 'santos', 'schmidt', 'silva', 'singh',
  'suzuki', 'tanaka', 'taylor', 'thompson', 'walker', 'wang', 'weber', 'wilson', 'wong', 'young',
] as const;

const POPULATION_SIZE = 50;
/** Custom roles an account has defined; none of them is privileged. */
const CUSTOM_ROLES = ['Auditors', 'Help Desk', 'Report Viewer', 'Zoom Rooms Manager', 'IT Support'] as const;
/** Spare name pairs, never in the population, for users being added. */
const NEW_HIRE_COUNT = 40;

// Real records: `client_type` in lower case (`mac`, `windows`, `android`, `ios`)
// or `Browser`; `version` four dotted numbers (`5.13.7.15481`), `-` for Browser.
const DESKTOP_VERSIONS = [
  '5.13.7.15481', '5.15.7.21404', '5.16.10.26186', '5.17.5.31030', '5.17.11.34827',
  '6.0.2.33403', '6.0.11.39959', '6.1.5.48206',
] as const;
const MOBILE_VERSIONS = ['5.13.7.8793', '5.17.10.20256', '6.0.2.21130', '6.0.11.22450', '6.1.1.23211'] as const;
/** What a Browser sign-in reports as its version. */
const BROWSER_VERSION = '-';

interface ClientProfile {
  client_type: string;
  /** Undefined when this client reports no version. */
  version: string | undefined;
  mobile: boolean;
}

interface SimUser {
  email: string;
  role: string;
  clients: readonly ClientProfile[];
  homeIp: string;
  /** Address used on mobile networks. */
  mobileIpv6: string;
  /** Start of the user's working hours, in seconds after 00:00 UTC. */
  workStart: number;
}

interface Population {
  users: readonly SimUser[];
  /** Owner and admins: the people behind most operation logs, with their weights. */
  operators: readonly string[];
  members: readonly SimUser[];
  newHires: readonly string[];
  officeIps: readonly string[];
  officeIpv6Prefix: string;
}

// Home connections: mostly documentation ranges, some public-looking ISP prefixes
// so that IP based features (geolocation, threat intel) see realistic values.
const HOME_PREFIXES = ['198.51.100', '192.0.2', '24.17', '73.162', '81.2', '86.147', '98.207', '174.63'] as const;
const WORK_STARTS_UTC_HOURS = [13, 13, 14, 15, 16, 7, 8, 8, 1] as const;

const populationCache = new Map<string, Population>();

function hex16(rng: SeededRandom): string {
  return rng.int(0, 0x10000).toString(16);
}

function ipv4(prefix: string, rng: SeededRandom): string {
  const parts = prefix.split('.').length;
  let ip = prefix;
  for (let i = parts; i < 4; i++) ip += `.${rng.int(i === 3 ? 1 : 0, i === 3 ? 255 : 256)}`;
  return ip;
}

function makeClient(rng: SeededRandom, client_type: string): ClientProfile {
  switch (client_type) {
    case 'Browser':
      // The web client reports `-`, and sometimes no version at all.
      return { client_type, version: rng.chance(0.2) ? undefined : BROWSER_VERSION, mobile: false };
    case 'ios':
    case 'android':
      return { client_type, version: rng.pick(MOBILE_VERSIONS), mobile: true };
    default:
      return { client_type, version: rng.pick(DESKTOP_VERSIONS), mobile: false };
  }
}

function shuffled<T>(rng: SeededRandom, items: readonly T[]): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(0, i + 1);
    const tmp = out[i] as T;
    out[i] = out[j] as T;
    out[j] = tmp;
  }
  return out;
}

function buildPopulation(seed: number, domain: string): Population {
  const rng = SeededRandom.forKey(seed, 'population');
  const firsts = shuffled(rng, FIRST_NAMES);
  const lasts = shuffled(rng, LAST_NAMES);
  const officeIps = [ipv4('203.0.113', rng), ipv4('203.0.113', rng)];
  const officeIpv6Prefix = `2001:db8:${hex16(rng)}`;
  const users: SimUser[] = [];
  for (let i = 0; i < POPULATION_SIZE; i++) {
    // First names are unique, so pairing the i-th of each shuffle gives unique emails.
    const email = `${firsts[i]}.${lasts[i]}@${domain}`;
    const role =
      i === 0 ? 'Owner' : i <= 3 ? 'Admin' : i === 4 ? 'Billing Admin' : i <= 7 ? rng.pick(CUSTOM_ROLES) : 'Member';
    const clients: ClientProfile[] = [];
    const roll = rng.next();
    clients.push(makeClient(rng, roll < 0.48 ? 'windows' : roll < 0.86 ? 'mac' : roll < 0.93 ? 'linux' : 'Browser'));
    if (rng.chance(0.6)) clients.push(makeClient(rng, rng.pick(['ios', 'ios', 'android', 'android'])));
    if (rng.chance(0.35)) clients.push(makeClient(rng, 'Browser'));
    const hour = rng.pick(WORK_STARTS_UTC_HOURS);
    users.push({
      email,
      role,
      clients,
      homeIp: ipv4(rng.pick(HOME_PREFIXES), rng),
      mobileIpv6: `2001:db8:${hex16(rng)}:${hex16(rng)}:${hex16(rng)}:${hex16(rng)}::${hex16(rng)}`,
      workStart: hour * 3600 + rng.int(0, 3600),
    });
  }
  const admins = users.filter((u) => u.role === 'Admin').map((u) => u.email);
  const owner = users[0]?.email ?? `owner@${domain}`;
  // The owner does some admin work; each admin does more.
  const operators = [owner, ...admins, ...admins, ...admins];
  const newHires: string[] = [];
  for (let i = 0; i < NEW_HIRE_COUNT; i++) {
    newHires.push(`${firsts[i % firsts.length]}.${lasts[(i + 1 + (i % 7)) % lasts.length]}@${domain}`);
  }
  return {
    users,
    operators,
    members: users.filter((u) => u.role !== 'Owner' && u.role !== 'Admin'),
    newHires,
    officeIps,
    officeIpv6Prefix,
  };
}

function populationFor(seed: number, domain: string): Population {
  const key = `${seed}\u0000${domain}`;
  let pop = populationCache.get(key);
  if (!pop) {
    pop = buildPopulation(seed, domain);
    populationCache.set(key, pop);
  }
  return pop;
}

/** The simulated account's users for a seed: who signs in, and who operates. */
export function simulatedUsers(seed: number, domain = 'example.com'): ReadonlyArray<{ email: string; role: string }> {
  return populationFor(seed, domain).users.map((u) => ({ email: u.email, role: u.role }));
}

// ---------------------------------------------------------------------------
// Time of day.

const SECONDS_PER_DAY = 86_400;
const WORKDAY_SECONDS = 9 * 3600;
let timeOfDayTable: string[] | undefined;

/** `HH:MM:SS` for every second of a day, built once so a record's time is one concatenation. */
function timeOfDay(): string[] {
  if (!timeOfDayTable) {
    const table = new Array<string>(SECONDS_PER_DAY);
    for (let s = 0; s < SECONDS_PER_DAY; s++) {
      const h = Math.floor(s / 3600);
      const m = Math.floor(s / 60) % 60;
      const sec = s % 60;
      table[s] = `${h < 10 ? '0' : ''}${h}:${m < 10 ? '0' : ''}${m}:${sec < 10 ? '0' : ''}${sec}`;
    }
    timeOfDayTable = table;
  }
  return timeOfDayTable;
}

/** Mostly inside working hours, sometimes at any time (late work, other time zones, automation). */
function secondOfDay(rng: SeededRandom, workStart: number): number {
  if (rng.chance(0.8)) return (workStart + rng.int(0, WORKDAY_SECONDS)) % SECONDS_PER_DAY;
  return rng.int(0, SECONDS_PER_DAY);
}

/** Stable counting sort by second: O(n), and ties keep generation order, so output is deterministic. */
function sortBySecond<T>(items: readonly T[], secs: Int32Array): T[] {
  const starts = new Int32Array(SECONDS_PER_DAY + 1);
  for (let i = 0; i < items.length; i++) starts[secs[i]! + 1]!++;
  for (let s = 1; s <= SECONDS_PER_DAY; s++) starts[s]! += starts[s - 1]!;
  const out = new Array<T>(items.length);
  for (let i = 0; i < items.length; i++) out[starts[secs[i]!]!++] = items[i] as T;
  return out;
}

// ---------------------------------------------------------------------------
// Options.

const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Throws a RangeError unless `day` is a real `yyyy-mm-dd` calendar day. */
export function assertUtcDay(day: string): void {
  const m = DAY_PATTERN.exec(day);
  if (!m) throw new RangeError(`day must be yyyy-mm-dd, got ${JSON.stringify(day)}`);
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (new Date(ms).toISOString().slice(0, 10) !== day) throw new RangeError(`no such day: ${day}`);
}

function checkCount(name: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${name} must be a non-negative integer, got ${n}`);
}

function checkShare(name: string, p: number): void {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`${name} must be within [0, 1], got ${p}`);
}

/**
 * How many records of `total` are copies. At least one when asked for any and
 * the day has room, so a small simulated day still shows the quirk.
 */
function duplicateCount(total: number, share: number): number {
  if (share <= 0 || total < 2) return 0;
  return Math.min(Math.floor(total / 2), Math.max(1, Math.round(total * share)));
}

// ---------------------------------------------------------------------------
// Activities.

const P_NO_IP = 0.02;
const P_NO_CLIENT = 0.015;
const P_NO_VERSION = 0.01;
/** Sessions with both a sign-in and a sign-out on the day; the rest show only one side. */
const P_PAIRED = 0.85;

function generateActivities(
  rng: SeededRandom,
  pop: Population,
  prefix: string,
  count: number,
  identicalShare: number,
): ActivityLogRecord[] {
  const tod = timeOfDay();
  const dups = duplicateCount(count, identicalShare);
  const base = count - dups;
  const secs = new Int32Array(count);
  const records: ActivityLogRecord[] = [];
  const users = pop.users;

  const push = (user: SimUser, type: string, sec: number, ip: string | undefined, client: ClientProfile | undefined) => {
    const rec: ActivityLogRecord = { email: user.email, time: prefix + tod[sec] + 'Z', type };
    if (ip !== undefined) rec.ip_address = ip;
    if (client !== undefined) {
      rec.client_type = client.client_type;
      if (client.version !== undefined && !rng.chance(P_NO_VERSION)) rec.version = client.version;
    }
    secs[records.length] = sec;
    records.push(rec);
  };

  while (records.length < base) {
    const user = users[rng.int(0, users.length)] as SimUser;
    const client = rng.chance(P_NO_CLIENT) ? undefined : rng.pick(user.clients);
    let ip: string | undefined;
    if (!rng.chance(P_NO_IP)) {
      const roll = rng.next();
      if (client?.mobile) {
        ip = roll < 0.55 ? user.mobileIpv6 : roll < 0.8 ? user.homeIp : (pop.officeIps[0] as string);
      } else if (roll < 0.45) {
        ip = rng.pick(pop.officeIps);
      } else if (roll < 0.85) {
        ip = user.homeIp;
      } else if (roll < 0.95) {
        ip = `${pop.officeIpv6Prefix}:${hex16(rng)}::${hex16(rng)}`;
      } else {
        // Travelling: an address seen once.
        ip = ipv4(rng.pick(HOME_PREFIXES), rng);
      }
    }
    const start = secondOfDay(rng, user.workStart);
    if (base - records.length >= 2 && rng.chance(P_PAIRED)) {
      const length = rng.chance(0.7) ? rng.int(60, 3 * 3600) : rng.int(3 * 3600, 10 * 3600);
      push(user, 'Sign in', start, ip, client);
      // A session still open at midnight signs out tomorrow; its wrapped end
      // stands for yesterday's session of the same kind, signing out this morning.
      push(user, 'Sign out', (start + length) % SECONDS_PER_DAY, ip, client);
    } else {
      push(user, rng.chance(0.5) ? 'Sign in' : 'Sign out', start, ip, client);
    }
  }
  for (let i = 0; i < dups; i++) {
    const j = rng.int(0, base);
    secs[records.length] = secs[j]!;
    records.push({ ...(records[j] as ActivityLogRecord) });
  }
  return sortBySecond(records, secs);
}

// ---------------------------------------------------------------------------
// Operations: background admin work.

/**
 * How a setting may change in background traffic. Settings that one of
 * Panther's rules watches only move in the direction that does not fire it,
 * so every alert in a generated day comes from DETECTION_TRIGGERS.
 */
type Direction = 'either' | 'enableOnly' | 'disableOnly';

interface SettingDef {
  name: string;
  direction?: Direction;
  /** Numeric setting: the values it moves between. */
  values?: readonly number[];
  /** Numeric setting that may only grow (weakening it would be a sign-in requirement change). */
  growOnly?: boolean;
}

interface SectionDef {
  section: string;
  weight: number;
  settings: readonly SettingDef[];
}

const ACCOUNT_SECTIONS: readonly SectionDef[] = [
  {
    section: 'Meeting',
    weight: 6,
    settings: [
      { name: 'Maximum participants', values: [100, 300, 500, 1000] },
      { name: 'Join before host' },
      { name: 'Mute participants upon entry' },
      { name: 'Co-host' },
      { name: 'Polling' },
      { name: 'Breakout room' },
      { name: 'Remote control' },
      { name: 'Allow removed participants to rejoin' },
    ],
  },
  {
    section: 'In Meeting (Basic)',
    weight: 4,
    settings: [
      { name: 'Chat' },
      { name: 'Private chat' },
      { name: 'File transfer' },
      { name: 'Screen sharing' },
      { name: 'Annotation' },
      { name: 'Whiteboard' },
    ],
  },
  {
    section: 'Schedule Meeting',
    weight: 3,
    settings: [{ name: 'Host video' }, { name: 'Participants video' }, { name: 'Enable Personal Meeting ID' }],
  },
  {
    section: 'Recording',
    weight: 3,
    settings: [
      { name: 'Cloud recording' },
      { name: 'Local recording' },
      { name: 'Automatic recording' },
      { name: 'Delete cloud recordings after days', values: [30, 60, 90, 120, 365] },
    ],
  },
  {
    section: 'Security',
    weight: 3,
    settings: [
      { name: 'Waiting Room' },
      { name: 'Only authenticated users can join meetings', direction: 'enableOnly' },
      { name: 'Sign in with Two-Factor Authentication', direction: 'enableOnly' },
      { name: 'Require a passcode when scheduling new meetings', direction: 'enableOnly' },
      { name: 'Require a passcode for instant meetings', direction: 'enableOnly' },
      { name: 'Require that all meetings are secured with one security option', direction: 'enableOnly' },
      { name: 'Automatically sign users out after a specified time', direction: 'enableOnly' },
      { name: 'Embed passcode in invite link for one-click join' },
    ],
  },
  {
    section: 'Sign-in Methods',
    weight: 1,
    settings: [
      { name: 'Allow users to sign in with Google', direction: 'disableOnly' },
      { name: 'Allow users to sign in with Apple ID', direction: 'disableOnly' },
      { name: 'Allow users to sign in with Facebook', direction: 'disableOnly' },
      { name: 'Allow users to sign in with Microsoft', direction: 'disableOnly' },
    ],
  },
  {
    section: 'Sign-In Password Requirement',
    weight: 1,
    settings: [
      { name: 'Have at least specified length of characters', values: [8, 10, 12, 14, 16], growOnly: true },
      { name: 'Include at least 1 letter', direction: 'enableOnly' },
      { name: 'Include at least 1 number', direction: 'enableOnly' },
      { name: 'Include at least 1 special character', direction: 'enableOnly' },
      { name: 'Include both uppercase and lowercase characters', direction: 'enableOnly' },
    ],
  },
  {
    section: 'Telephone',
    weight: 1,
    settings: [{ name: 'Toll Call' }, { name: 'Call Me' }, { name: 'Mask phone number in the participant list' }],
  },
  {
    section: 'Email Notification',
    weight: 1,
    settings: [{ name: 'When a cloud recording is available' }, { name: 'When attendees join meeting before host' }],
  },
];
const ACCOUNT_SECTION_WEIGHTS = cumulative(ACCOUNT_SECTIONS.map((s) => s.weight));

/** The sections a user can change for themselves. */
const USER_SETTINGS_SECTIONS: readonly SectionDef[] = ACCOUNT_SECTIONS.filter((s) =>
  ['Meeting', 'In Meeting (Basic)', 'Schedule Meeting', 'Recording', 'Email Notification'].includes(s.section),
);
const USER_SETTINGS_SECTION_WEIGHTS = cumulative(USER_SETTINGS_SECTIONS.map((s) => s.weight));

const GROUP_SETTINGS: readonly SettingDef[] = [
  { name: 'Join before host' },
  { name: 'Cloud recording' },
  { name: 'Local recording' },
  { name: 'Waiting Room' },
  { name: 'Screen sharing' },
  { name: 'Chat' },
  { name: 'Breakout room' },
  { name: 'Mute participants upon entry' },
  { name: 'Personal Meeting ID (PMI) Passcode', direction: 'enableOnly' },
  { name: 'Require a passcode when scheduling new meetings', direction: 'enableOnly' },
];

const GROUP_NAMES = [
  'Engineers', 'Sales', 'Marketing', 'Support', 'Springfield', 'Finance', 'Legal',
  'Contractors', 'Executives', 'Customer Success', 'Berlin Office', 'Interns',
] as const;
const ROLE_PRIVILEGES = [
  'View Dashboard', 'Edit Users', 'View Usage Reports', 'View Operation Logs',
  'Manage Zoom Rooms', 'Edit Account Settings', 'View Recordings',
] as const;
const DEPARTMENTS = [
  'Engineering', 'Sales', 'Marketing', 'Finance', 'Support', 'Legal', 'People Ops', 'IT', 'Operations', 'Product',
] as const;
const JOB_TITLES = [
  'Contractor', 'Software Engineer', 'Account Executive', 'Product Manager', 'Designer',
  'Support Specialist', 'Director of Sales', 'Intern', 'IT Administrator', 'Recruiter',
] as const;
const LOCATIONS = ['Berlin', 'San Francisco', 'London', 'Austin', 'Singapore', 'Remote'] as const;
const ROOMS = ['Boardroom 3F', 'Huddle 2A', 'Huddle 2B', 'Training Room', 'Lobby Kiosk', 'Focus Room 5'] as const;
const ROOM_SETTINGS = [
  'Allow screen sharing', 'Enable auto-answer', 'Show meeting topic on Zoom Rooms display', 'Enable wireless screen share',
] as const;
const MEETING_TOPICS = [
  'Weekly Sync', 'All Hands', 'Sprint Review', 'Customer Onboarding', '1:1', 'Board Prep', 'Design Review',
] as const;
const PLANS = ['Business', 'Pro', 'Large Meetings 500', 'Webinar 500', 'Cloud Recording 1TB'] as const;
const SUB_ACCOUNTS = ['EMEA Branch', 'APAC Branch', 'Research Lab'] as const;
const NON_PRIVILEGED_ROLES = ['Member', 'Member', 'Member', ...CUSTOM_ROLES] as const;

function cumulative(weights: readonly number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let sum = 0;
  weights.forEach((w, i) => {
    sum += w;
    out[i] = sum;
  });
  return out.map((c) => c / sum);
}

function weightedIndex(rng: SeededRandom, cum: Float64Array): number {
  const r = rng.next();
  for (let i = 0; i < cum.length; i++) if (r < cum[i]!) return i;
  return cum.length - 1;
}

function change(rng: SeededRandom, s: SettingDef): string {
  if (s.values) {
    let a = rng.int(0, s.values.length);
    let b = rng.int(0, s.values.length - 1);
    if (b >= a) b++;
    if (s.growOnly && a > b) [a, b] = [b, a];
    return `${s.name}: from ${s.values[a]} to ${s.values[b]}`;
  }
  const direction = s.direction ?? 'either';
  const off = direction === 'disableOnly' || (direction === 'either' && rng.chance(0.5));
  return `${s.name}: ${off ? 'from On to Off' : 'from Off to On'}`;
}

/** One change most of the time; a save that changed several settings at once otherwise. */
function changes(rng: SeededRandom, settings: readonly SettingDef[]): string {
  const first = rng.int(0, settings.length);
  let text = change(rng, settings[first] as SettingDef);
  if (settings.length > 1 && rng.chance(0.2)) {
    const extra = rng.int(1, Math.min(3, settings.length));
    for (let k = 1; k <= extra; k++) text += ' - ' + change(rng, settings[(first + k) % settings.length] as SettingDef);
  }
  return text;
}

/** Zoom often ends operation_detail with a space. */
function trailing(rng: SeededRandom, text: string): string {
  return rng.chance(0.3) ? text + ' ' : text;
}

function meetingId(rng: SeededRandom): string {
  return `${rng.int(810, 990)} ${rng.int(1000, 10000)} ${rng.int(1000, 10000)}`;
}

interface OperationDraft {
  operator: string;
  category_type: string;
  action: string;
  operation_detail: string;
}

type CategoryGenerator = (rng: SeededRandom, pop: Population, operator: string) => OperationDraft;

function op(operator: string, category_type: string, action: string, operation_detail: string): OperationDraft {
  return { operator, category_type, action, operation_detail };
}

function userOperation(rng: SeededRandom, pop: Population, operator: string): OperationDraft {
  const member = (rng.pick(pop.members) as SimUser).email;
  const roll = rng.next();
  if (roll < 0.12) {
    return op(
      operator,
      'User',
      'Add',
      trailing(rng, `Add User ${rng.pick(pop.newHires)}  - User Type: ${rng.chance(0.7) ? 'Licensed' : 'Basic'} - Department: ${rng.pick(DEPARTMENTS)}`),
    );
  }
  if (roll < 0.17) {
    const who = rng.chance(0.5) ? rng.pick(pop.newHires) : member;
    const detail = rng.chance(0.7)
      ? `Delete User ${who}  - User Type: ${rng.chance(0.5) ? 'Licensed' : 'Basic'} - Department: ${rng.pick(DEPARTMENTS)}`
      : `Delete User ${who}`;
    return op(operator, 'User', 'Delete', trailing(rng, detail));
  }
  // Zoom writes (de)activating a user as an Update; the detail names what happened.
  if (roll < 0.22) return op(operator, 'User', 'Update', `Activate User ${member} `);
  if (roll < 0.27) return op(operator, 'User', 'Update', `Deactivate User ${member} `);
  if (roll < 0.37) {
    // Background role changes never promote anyone to a privileged role: those come from DETECTION_TRIGGERS.
    const to = rng.pick(NON_PRIVILEGED_ROLES);
    let from = rng.pick(['Admin', 'Billing Admin', ...NON_PRIVILEGED_ROLES]);
    if (from === to) from = to === 'Member' ? 'Auditors' : 'Member';
    return op(
      operator,
      'User',
      rng.chance(0.6) ? 'Update' : 'Batch Update',
      trailing(rng, `Change Role  - ${member}: from ${from} to ${to}`),
    );
  }
  const action = roll < 0.75 ? 'Update' : roll < 0.88 ? 'SCIM API - Update' : 'Batch Update';
  const kind = rng.next();
  let detail: string;
  if (kind < 0.35) {
    detail = `Edit User ${member}  - Change Type: ${rng.chance(0.6) ? 'from Basic to Licensed' : 'from Licensed to Basic'}`;
  } else if (kind < 0.6) {
    detail = `Update User ${member}  - Job Title: set to ${rng.pick(JOB_TITLES)}`;
  } else if (kind < 0.8) {
    detail = `Update User ${member}  - Department: set to ${rng.pick(DEPARTMENTS)}`;
  } else {
    detail = `Update User ${member}  - Location: set to ${rng.pick(LOCATIONS)}`;
  }
  return op(operator, 'User', action, trailing(rng, detail));
}

/**
 * A user's own settings (`category_type` "User Settings", about half of a real
 * page). The detail's exact text is unconfirmed; it is written in the account
 * settings format. Settings a rule watches only move the way that fires none.
 */
function userSettingsOperation(rng: SeededRandom, _pop: Population, operator: string): OperationDraft {
  const section = USER_SETTINGS_SECTIONS[weightedIndex(rng, USER_SETTINGS_SECTION_WEIGHTS)] as SectionDef;
  return op(operator, 'User Settings', 'Update', trailing(rng, `${section.section}  - ${changes(rng, section.settings)}`));
}

function groupOperation(rng: SeededRandom, _pop: Population, operator: string): OperationDraft {
  const group = rng.pick(GROUP_NAMES);
  const roll = rng.next();
  if (roll < 0.15) return op(operator, 'User Group', 'Add', trailing(rng, `Add Group ${group}`));
  if (roll < 0.22) return op(operator, 'User Group', 'Delete', trailing(rng, `Delete Group ${group}`));
  return op(operator, 'User Group', 'Update', trailing(rng, `Edit Group ${group}  - ${changes(rng, GROUP_SETTINGS)}`));
}

function accountOperation(rng: SeededRandom, _pop: Population, operator: string): OperationDraft {
  const section = ACCOUNT_SECTIONS[weightedIndex(rng, ACCOUNT_SECTION_WEIGHTS)] as SectionDef;
  return op(operator, 'Account', 'Update', trailing(rng, `${section.section}  - ${changes(rng, section.settings)}`));
}

function roleOperation(rng: SeededRandom, _pop: Population, operator: string): OperationDraft {
  const role = rng.pick(CUSTOM_ROLES);
  const roll = rng.next();
  if (roll < 0.2) return op(operator, 'Role', 'Add', trailing(rng, `Add Role ${role}`));
  if (roll < 0.3) return op(operator, 'Role', 'Delete', trailing(rng, `Delete Role ${role}`));
  const first = `${rng.pick(ROLE_PRIVILEGES)}: ${rng.chance(0.7) ? 'from Off to On' : 'from On to Off'}`;
  const detail = rng.chance(0.3)
    ? `Edit Role ${role}  - ${first} - ${rng.pick(ROLE_PRIVILEGES)}: from Off to On`
    : `Edit Role ${role}  - ${first}`;
  return op(operator, 'Role', 'Update', trailing(rng, detail));
}

function billingOperation(rng: SeededRandom, pop: Population, operator: string): OperationDraft {
  const roll = rng.next();
  if (roll < 0.4) {
    const from = rng.int(20, 80);
    return op(operator, 'Billing', 'Update', trailing(rng, `Update Plan Business  - Licenses: from ${from} to ${from + rng.int(1, 15)}`));
  }
  if (roll < 0.6) return op(operator, 'Billing', 'Add', trailing(rng, `Add Plan ${rng.pick(PLANS)}`));
  if (roll < 0.7) return op(operator, 'Billing', 'Delete', trailing(rng, `Delete Plan ${rng.pick(PLANS)}`));
  if (roll < 0.85) return op(operator, 'Billing', 'Update', `Update Billing Contact ${rng.pick(pop.operators)} `);
  return op(operator, 'Billing', 'Update', trailing(rng, `Update Payment Method  - Card ending in ${rng.int(1000, 10000)}`));
}

function roomsOperation(rng: SeededRandom, _pop: Population, operator: string): OperationDraft {
  const room = rng.pick(ROOMS);
  const roll = rng.next();
  if (roll < 0.15) return op(operator, 'Zoom Rooms', 'Add', trailing(rng, `Add Room ${room}`));
  if (roll < 0.22) return op(operator, 'Zoom Rooms', 'Delete', trailing(rng, `Delete Room ${room}`));
  const setting = rng.pick(ROOM_SETTINGS);
  return op(
    operator,
    'Zoom Rooms',
    'Update',
    trailing(rng, `Edit Room ${room}  - ${setting}: ${rng.chance(0.5) ? 'from Off to On' : 'from On to Off'}`),
  );
}

function recordingOperation(rng: SeededRandom, _pop: Population, operator: string): OperationDraft {
  const topic = rng.pick(MEETING_TOPICS);
  const roll = rng.next();
  if (roll < 0.7) {
    return op(operator, 'Recording', 'Delete', trailing(rng, `Delete Cloud Recording ${topic} (${meetingId(rng)})`));
  }
  if (roll < 0.85) {
    return op(operator, 'Recording', 'Update', trailing(rng, `Recover Cloud Recording ${topic} (${meetingId(rng)})`));
  }
  return op(
    operator,
    'Recording',
    'Update',
    trailing(rng, `Update Recording Settings  - Share recordings publicly: ${rng.chance(0.5) ? 'from Off to On' : 'from On to Off'}`),
  );
}

function webinarOperation(rng: SeededRandom, pop: Population, operator: string): OperationDraft {
  const roll = rng.next();
  if (roll < 0.4) {
    return op(operator, 'Webinar', 'Add', trailing(rng, `Add Webinar License Webinar 500 for ${(rng.pick(pop.members) as SimUser).email}`));
  }
  if (roll < 0.55) {
    return op(operator, 'Webinar', 'Delete', trailing(rng, `Delete Webinar License Webinar 500 for ${(rng.pick(pop.members) as SimUser).email}`));
  }
  const setting = rng.pick(['Q&A', 'Practice session', 'Attendee chat', 'Webinar polls']);
  return op(
    operator,
    'Webinar',
    'Update',
    trailing(rng, `Update Webinar Settings  - ${setting}: ${rng.chance(0.5) ? 'from Off to On' : 'from On to Off'}`),
  );
}

function imOperation(rng: SeededRandom, pop: Population, operator: string): OperationDraft {
  const group = `${rng.pick(GROUP_NAMES)} Chat`;
  const roll = rng.next();
  if (roll < 0.3) return op(operator, 'IM', 'Add', trailing(rng, `Add IM Group ${group}`));
  if (roll < 0.4) return op(operator, 'IM', 'Delete', trailing(rng, `Delete IM Group ${group}`));
  if (roll < 0.7) {
    return op(operator, 'IM', 'Update', trailing(rng, `Edit IM Group ${group}  - Add Members: ${(rng.pick(pop.members) as SimUser).email}`));
  }
  const setting = rng.pick(['Allow users to send files', 'Allow users to share screenshots', 'Show link previews']);
  return op(
    operator,
    'IM',
    'Update',
    trailing(rng, `Update IM Settings  - ${setting}: ${rng.chance(0.5) ? 'from Off to On' : 'from On to Off'}`),
  );
}

function subAccountOperation(rng: SeededRandom, _pop: Population, operator: string): OperationDraft {
  const name = rng.pick(SUB_ACCOUNTS);
  const roll = rng.next();
  if (roll < 0.25) return op(operator, 'Sub Account', 'Add', trailing(rng, `Add Sub Account ${name}`));
  if (roll < 0.35) return op(operator, 'Sub Account', 'Delete', trailing(rng, `Delete Sub Account ${name}`));
  const from = rng.int(5, 50);
  return op(operator, 'Sub Account', 'Update', trailing(rng, `Update Sub Account ${name}  - Seats: from ${from} to ${from + rng.int(1, 20)}`));
}

const CATEGORIES: ReadonlyArray<{ weight: number; generate: CategoryGenerator; membersOperate: boolean }> = [
  // Users change their own settings: about half of a real page.
  { weight: 100, generate: userSettingsOperation, membersOperate: true },
  { weight: 34, generate: userOperation, membersOperate: false },
  { weight: 20, generate: accountOperation, membersOperate: false },
  { weight: 14, generate: groupOperation, membersOperate: false },
  { weight: 4, generate: roleOperation, membersOperate: false },
  { weight: 4, generate: billingOperation, membersOperate: false },
  { weight: 6, generate: roomsOperation, membersOperate: false },
  // Users manage their own recordings and chat groups.
  { weight: 9, generate: recordingOperation, membersOperate: true },
  { weight: 3, generate: webinarOperation, membersOperate: false },
  { weight: 4, generate: imOperation, membersOperate: true },
  { weight: 2, generate: subAccountOperation, membersOperate: false },
];
const CATEGORY_WEIGHTS = cumulative(CATEGORIES.map((c) => c.weight));

/** Share of background operations that are a NEAR_MISSES record. */
const NEAR_MISS_SHARE = 0.01;

function localize(samples: ReadonlyArray<DetectionSample>, domain: string): DetectionSample[] {
  if (domain === 'example.com') return samples.slice();
  return samples.map((s) => ({ ...s, operation_detail: s.operation_detail.replaceAll('@example.com', `@${domain}`) }));
}

function generateOperations(
  rng: SeededRandom,
  pop: Population,
  prefix: string,
  domain: string,
  count: number,
  detectionShare: number,
  identicalShare: number,
): { operations: OperationLogRecord[]; planted: PlantedSample[] } {
  const tod = timeOfDay();
  const dups = duplicateCount(count, identicalShare);
  const base = count - dups;
  const detections = Math.min(base, Math.round(base * detectionShare));
  const triggers = localize(DETECTION_TRIGGERS, domain);
  const nearMisses = localize(NEAR_MISSES, domain);
  const byEmail = new Map(pop.users.map((u) => [u.email, u]));
  const secs = new Int32Array(count);
  const records: OperationLogRecord[] = [];
  // Walking the triggers from a random start guarantees every trigger appears
  // once a day has at least as many detections as there are triggers.
  const firstTrigger = triggers.length > 0 ? rng.int(0, triggers.length) : 0;
  // Near misses are walked the same way, so a day with enough of them has each one.
  const firstNearMiss = rng.int(0, nearMisses.length);
  let nearMissCount = 0;
  const plantedAt = new Map<number, { ruleId: string; expectAlert: boolean }>();

  for (let i = 0; i < base; i++) {
    let draft: OperationDraft;
    if (i < detections) {
      const t = triggers[(firstTrigger + i) % triggers.length] as DetectionSample;
      draft = op(rng.pick(pop.operators), t.category_type, t.action, t.operation_detail);
      plantedAt.set(i, { ruleId: t.ruleId, expectAlert: true });
    } else if (rng.chance(NEAR_MISS_SHARE)) {
      const t = nearMisses[(firstNearMiss + nearMissCount++) % nearMisses.length] as DetectionSample;
      draft = op(rng.pick(pop.operators), t.category_type, t.action, t.operation_detail);
      plantedAt.set(i, { ruleId: t.ruleId, expectAlert: false });
    } else {
      const category = CATEGORIES[weightedIndex(rng, CATEGORY_WEIGHTS)]!;
      const operator =
        category.membersOperate && rng.chance(0.5) ? (rng.pick(pop.members) as SimUser).email : rng.pick(pop.operators);
      draft = category.generate(rng, pop, operator);
    }
    const sec = secondOfDay(rng, byEmail.get(draft.operator)?.workStart ?? 14 * 3600);
    secs[i] = sec;
    records.push({
      time: prefix + tod[sec] + 'Z',
      operator: draft.operator,
      category_type: draft.category_type,
      action: draft.action,
      operation_detail: draft.operation_detail,
    });
  }
  for (let i = 0; i < dups; i++) {
    const j = rng.int(0, base);
    secs[records.length] = secs[j]!;
    const planted = plantedAt.get(j);
    if (planted) plantedAt.set(records.length, planted);
    records.push({ ...(records[j] as OperationLogRecord) });
  }
  const planted = [...plantedAt].map(([i, p]) => ({ record: records[i]!, ...p }));
  return { operations: sortBySecond(records, secs), planted };
}

/**
 * Generates one UTC day of both reports. Pure: the same options always give
 * deep-equal records, and a day never depends on another day having been
 * generated, so the simulator can generate days lazily and in any order.
 * Records are sorted oldest first.
 *
 * @example
 * const { activities, operations } = generateDay({
 *   seed: 42, day: '2026-03-01', volume: { activities: 400, operations: 60 },
 * });
 */
export function generateDay(options: GenerateDayOptions): GeneratedDay {
  const { seed, day, volume } = options;
  const domain = options.domain ?? 'example.com';
  const detectionShare = options.detectionShare ?? 0.05;
  const identicalShare = options.identicalShare ?? 0.01;
  assertUtcDay(day);
  checkCount('volume.activities', volume.activities);
  checkCount('volume.operations', volume.operations);
  checkShare('detectionShare', detectionShare);
  checkShare('identicalShare', identicalShare);
  if (domain.length === 0 || domain.includes('@')) throw new RangeError(`invalid domain ${JSON.stringify(domain)}`);

  const pop = populationFor(seed, domain);
  const prefix = `${day}T`;
  // Separate streams per report: changing one report's volume leaves the other's records unchanged.
  return {
    activities: generateActivities(
      SeededRandom.forKey(seed, `activities:${day}`),
      pop,
      prefix,
      volume.activities,
      identicalShare,
    ),
    ...generateOperations(
      SeededRandom.forKey(seed, `operations:${day}`),
      pop,
      prefix,
      domain,
      volume.operations,
      detectionShare,
      identicalShare,
    ),
  };
}
