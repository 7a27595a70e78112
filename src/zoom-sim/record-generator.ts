/**
 * Deterministic, seeded Zoom report records for the Zoom simulator.
 *
 * Zoom itself cannot be reached from our machines, so every collector test runs
 * against the simulator, and the simulator serves what this module generates.
 * The records follow the formats in zoom-api.md, quirks included (two spaces
 * before the dash, trailing spaces, missing optional keys, identical records in
 * one second), because those quirks are what the collector and the rules must
 * survive.
 *
 * This module composes a day: randomness, volumes, times and ordering. What a
 * record says comes from the data tables (`*-tables.ts`, operation-vocabulary.ts),
 * simulated-population.ts, background-operations.ts and the planted detection
 * scenarios in scenarios/.
 */
import type { ActivityLogRecord, OperationLogRecord } from '../zoom/report-records.js';
import { backgroundOperation, op, type OperationDraft } from './background-operations.js';
import { SIM_NETWORKS } from './network-tables.js';
import { hex16, networkAddress } from './random-addresses.js';
import { DETECTION_TRIGGERS, NEAR_MISSES } from './scenarios/detection-scenarios.js';
import type { DetectionSample } from './scenarios/detection-scenario.js';
import { signInScenarioRecords } from './scenarios/sign-in-scenarios.js';
import { SeededRandom } from './seeded-random.js';
import { populationFor, type ClientProfile, type Population, type SimUser } from './simulated-population.js';

export { PANTHER_ZOOM_RULE_IDS, type DetectionSample } from './scenarios/detection-scenario.js';
export { DETECTION_TRIGGERS, NEAR_MISSES } from './scenarios/detection-scenarios.js';
export { simulatedUsers } from './simulated-population.js';

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
  /** Share of operation records that are DETECTION_TRIGGERS (see scenarios/), default 0.05. */
  detectionShare?: number;
  /** Share of records that get an exact duplicate in the same second (two real identical events), default 0.01. */
  identicalShare?: number;
  /**
   * Plant the sign-in scenarios of scenarios/sign-in-scenarios.ts, placed in
   * this range of days (the account's generated history, at least
   * SIGN_IN_SCENARIO_MIN_DAYS long). Their records come on top of
   * `volume.activities`, and the background sign-ins then come from each
   * user's home address only (no office, travel or VPN addresses), so the
   * only history-rule alerts of the account are the scenarios' ground truth.
   */
  signInScenarios?: { fromDay: string; toDay: string };
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

function generateActivities(rng: SeededRandom, pop: Population, prefix: string, count: number, identicalShare: number, homeOnly: boolean): ActivityLogRecord[] {
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
      if (homeOnly) {
        ip = user.homeIp;
      } else if (client?.mobile) {
        ip = roll < 0.55 ? user.mobileIpv6 : roll < 0.8 ? user.homeIp : pop.officeIps[0];
      } else if (roll < 0.45) {
        ip = rng.pick(pop.officeIps);
      } else if (roll < 0.85) {
        ip = user.homeIp;
      } else if (roll < 0.95) {
        ip = `${pop.officeIpv6Prefix}:${hex16(rng)}::${hex16(rng)}`;
      } else {
        // Travelling, or through a VPN: an address seen once, on any network.
        ip = networkAddress(rng.pick(SIM_NETWORKS), rng, 0.2);
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
// Operations: planted scenarios mixed into background traffic.

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
      draft = backgroundOperation(rng, pop);
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
  const scenarios = options.signInScenarios;
  let activities = generateActivities(SeededRandom.forKey(seed, `activities:${day}`), pop, prefix, volume.activities, identicalShare, scenarios !== undefined);
  if (scenarios) {
    // A stable sort by time keeps the order of the records within one second.
    activities = [...activities, ...signInScenarioRecords(seed, domain, scenarios, day)].sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
  }
  return {
    activities,
    ...generateOperations(SeededRandom.forKey(seed, `operations:${day}`), pop, prefix, domain, volume.operations, detectionShare, identicalShare),
  };
}
