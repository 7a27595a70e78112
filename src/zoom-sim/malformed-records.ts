/**
 * Records that break the Zoom.Activity / Zoom.Operation schemas, for the
 * simulator to slip into a response. Panther does not drop such a record: it
 * reports a classification failure with the raw line and the reason, and the
 * collector must do the same instead of failing the whole page.
 */
import type { ActivityLogRecord, OperationLogRecord } from '../zoom/report-records.js';
import { assertUtcDay } from './record-generator.js';
import { SeededRandom } from './seeded-random.js';
import { simulatedUsers } from './simulated-population.js';

export type Defect = 'missing_required_field' | 'bad_time' | 'numeric_time' | 'wrong_type' | 'huge_string' | 'nul_character' | 'not_an_object';

/** Every defect, in the order the functions below return them. */
export const DEFECTS: readonly Defect[] = ['missing_required_field', 'bad_time', 'numeric_time', 'wrong_type', 'huge_string', 'nul_character', 'not_an_object'];

export interface MalformedRecord {
  defect: Defect;
  /** The field that carries the defect; absent for `not_an_object`. */
  field?: string;
  record: unknown;
}

/** Neither a valid RFC 3339 time nor a real date: month 13, day 45, hour 99. */
export const BAD_TIME = '2026-13-45 99:00';

export const HUGE_STRING_LENGTH = 1_000_000;

let hugeDetail: string | undefined;

/**
 * A schema-valid but 1,000,000 character operation_detail: a save that
 * changed the same setting over and over. Built once and shared, since strings
 * are immutable and the simulator may serve it many times.
 */
function hugeOperationDetail(): string {
  if (!hugeDetail) {
    const unit = 'Join before host: from Off to On - ';
    const head = 'Meeting  - ';
    hugeDetail = (head + unit.repeat(Math.ceil(HUGE_STRING_LENGTH / unit.length))).slice(0, HUGE_STRING_LENGTH);
  }
  return hugeDetail;
}

let hugeClientType: string | undefined;

function hugeClientTypeText(): string {
  hugeClientType ??= 'windows '.repeat(HUGE_STRING_LENGTH / 8);
  return hugeClientType;
}

interface DayClock {
  /** `yyyy-mm-ddTHH:MM:SSZ` at a random second of the day. */
  time(): string;
  /** Epoch seconds at a random second of the day. */
  epochSeconds(): number;
}

function dayClock(day: string, rng: SeededRandom): DayClock {
  const startMs = Date.parse(`${day}T00:00:00Z`);
  const at = () => startMs + rng.int(0, 86_400) * 1000;
  return {
    time: () => new Date(at()).toISOString().replace('.000Z', 'Z'),
    epochSeconds: () => at() / 1000,
  };
}

/** The three non-objects a JSON array can hold where an object belongs. */
function notAnObject(rng: SeededRandom, valid: Record<string, unknown>): unknown {
  const values = Object.values(valid);
  switch (rng.int(0, 3)) {
    case 0:
      return values.join(',');
    case 1:
      return values;
    default:
      return null;
  }
}

/**
 * One activity record per defect; every record is valid apart from its defect,
 * and every parseable time falls inside `day`.
 */
export function malformedActivityRecords(day: string, seed: number): MalformedRecord[] {
  assertUtcDay(day);
  const rng = SeededRandom.forKey(seed, `malformed-activities:${day}`);
  const users = simulatedUsers(seed);
  const clock = dayClock(day, rng);
  const valid = (): ActivityLogRecord => ({
    email: rng.pick(users).email,
    time: clock.time(),
    type: rng.chance(0.5) ? 'Sign in' : 'Sign out',
    ip_address: `198.51.100.${rng.int(1, 255)}`,
    client_type: 'windows',
    version: '5.17.11.34827',
  });
  const withoutEmail: Partial<ActivityLogRecord> = valid();
  delete withoutEmail.email;
  return [
    { defect: 'missing_required_field', field: 'email', record: withoutEmail },
    { defect: 'bad_time', field: 'time', record: { ...valid(), time: BAD_TIME } },
    { defect: 'numeric_time', field: 'time', record: { ...valid(), time: clock.epochSeconds() } },
    { defect: 'wrong_type', field: 'email', record: { ...valid(), email: 12345 } },
    { defect: 'huge_string', field: 'client_type', record: { ...valid(), client_type: hugeClientTypeText() } },
    // JSON allows \u0000 in a string; PostgreSQL stores it neither as text nor as jsonb.
    { defect: 'nul_character', field: 'client_type', record: { ...valid(), client_type: 'win\u0000dows' } },
    { defect: 'not_an_object', record: notAnObject(rng, { ...valid() }) },
  ];
}

/**
 * One operation record per defect; every record is valid apart from its
 * defect, and every parseable time falls inside `day`.
 */
export function malformedOperationRecords(day: string, seed: number): MalformedRecord[] {
  assertUtcDay(day);
  const rng = SeededRandom.forKey(seed, `malformed-operations:${day}`);
  const users = simulatedUsers(seed);
  const admins = users.filter((u) => u.role === 'Owner' || u.role === 'Admin');
  const clock = dayClock(day, rng);
  const valid = (): OperationLogRecord => ({
    time: clock.time(),
    operator: rng.pick(admins).email,
    category_type: 'Account',
    action: 'Update',
    operation_detail: 'Meeting  - Join before host: from Off to On ',
  });
  const withoutOperator: Partial<OperationLogRecord> = valid();
  delete withoutOperator.operator;
  return [
    { defect: 'missing_required_field', field: 'operator', record: withoutOperator },
    { defect: 'bad_time', field: 'time', record: { ...valid(), time: BAD_TIME } },
    { defect: 'numeric_time', field: 'time', record: { ...valid(), time: clock.epochSeconds() } },
    { defect: 'wrong_type', field: 'category_type', record: { ...valid(), category_type: { name: 'Account', id: 3 } } },
    { defect: 'huge_string', field: 'operation_detail', record: { ...valid(), operation_detail: hugeOperationDetail() } },
    { defect: 'nul_character', field: 'operator', record: { ...valid(), operator: `\u0000${rng.pick(admins).email}` } },
    { defect: 'not_an_object', record: notAnObject(rng, { ...valid() }) },
  ];
}
