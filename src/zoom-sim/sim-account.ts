import type { Clock } from '../shared/clock.js';
import { streamForLogType, type ActivityLogRecord, type OperationLogRecord, type ZoomLogType } from '../zoom/report-records.js';
import { DAY_MS, requireDay, type DayCalendar } from './day-calendar.js';
import { DayBucketStore, type StoredRecord } from './day-bucket-store.js';
import { filterKey, recordCategoryKey } from './operation-categories.js';
import { planLimits, type PlanLimits, type SimPlan } from './plan-limits.js';
import { AccountRateLimiter } from './rate-limiter.js';
import { malformedActivityRecords, malformedOperationRecords, type MalformedRecord } from './malformed-records.js';
import { generateDay, type DayVolume, type PlantedSample } from './record-generator.js';
import type { SimApp } from './sim-app.js';
import { checkScenarioRange, signInScenarioTruth, type SignInScenarioTruth } from './scenarios/sign-in-scenarios.js';
import { collectWindow, type DaySource, type WindowSpec } from './window-reader.js';

/** History produced lazily by the record generator, one UTC day at a time. */
export interface GeneratedHistory {
  seed: number;
  /** First and last UTC day (inclusive) that have generated records. */
  fromDay: string;
  toDay: string;
  volume: DayVolume;
  domain?: string;
  detectionShare?: number;
  identicalShare?: number;
  /** Also place one record of each schema defect (see malformed-records.ts) in every generated day. Default false. */
  malformedRecords?: boolean;
  /**
   * Plant the sign-in scenarios (scenarios/sign-in-scenarios.ts) in `fromDay..toDay`
   * (at least SIGN_IN_SCENARIO_MIN_DAYS days); their ground truth is `signInScenarioTruth()`. Default false.
   */
  signInScenarios?: boolean;
}

export interface SimAccountOptions {
  accountId: string;
  /** Default `pro`. */
  plan?: SimPlan;
  /** Override the plan's Heavy per-second limit (pro 10, business 40). */
  perSecondLimit?: number;
  /** Override the plan's daily limit (pro 30000, business 60000). */
  dailyLimit?: number;
  /** Role permissions of the admin behind the apps. Default both report permissions. */
  adminPermissions?: string[];
  generated?: GeneratedHistory;
}

/** What an account needs from the simulator around it. */
export interface AccountEnvironment {
  clock: Clock;
  calendar: DayCalendar;
  toInclusive: boolean;
  hideFutureRecords: boolean;
}

export const DEFAULT_ADMIN_PERMISSIONS: readonly string[] = ['Sign In/Sign Out', 'Admin Activity Logs'];

/** Generated records sort after records added by hand within one second (their seq is below every added one). */
const GENERATED_SEQ_BASE = -1_000_000_000;

/** Zoom's role editor shows report permissions as `Reports > X`; both spellings are accepted. */
function permissionName(permission: string): string {
  return permission
    .replace(/^\s*Reports\s*>\s*/i, '')
    .trim()
    .toLowerCase();
}

/** One Zoom account: its plan, its admin's permissions, its apps, its report data and its rate-limit budget. */
export class SimAccount {
  readonly accountId: string;
  /** The account's Heavy budget; every report request counts, OAuth calls do not. */
  readonly rateLimiter = new AccountRateLimiter();
  readonly #env: AccountEnvironment;
  readonly #apps = new Map<string, SimApp>();
  readonly #stores: Record<ZoomLogType, DayBucketStore> = {
    'Zoom.Activity': new DayBucketStore(),
    'Zoom.Operation': new DayBucketStore(),
  };
  readonly #generated: GeneratedHistory | undefined;
  readonly #materialised = new Set<string>();
  readonly #planted = new Map<string, readonly PlantedSample[]>();
  #plan: SimPlan;
  readonly #perSecondOverride: number | undefined;
  readonly #dailyOverride: number | undefined;
  #permissions: Set<string>;
  #seq = 0;

  /** Created by ZoomSimulator.addAccount. */
  constructor(options: SimAccountOptions, env: AccountEnvironment) {
    this.accountId = options.accountId;
    this.#env = env;
    this.#plan = options.plan ?? 'pro';
    this.#perSecondOverride = options.perSecondLimit;
    this.#dailyOverride = options.dailyLimit;
    this.#permissions = new Set((options.adminPermissions ?? DEFAULT_ADMIN_PERMISSIONS).map(permissionName));
    if (options.generated) {
      requireDay(options.generated.fromDay, 'generated.fromDay');
      requireDay(options.generated.toDay, 'generated.toDay');
      if (options.generated.signInScenarios) checkScenarioRange(options.generated.fromDay, options.generated.toDay);
      this.#generated = { ...options.generated };
    }
  }

  get plan(): SimPlan {
    return this.#plan;
  }

  setPlan(plan: SimPlan): void {
    this.#plan = plan;
  }

  limits(): PlanLimits {
    const byPlan = planLimits(this.#plan);
    return {
      perSecond: this.#perSecondOverride ?? byPlan.perSecond,
      daily: this.#dailyOverride ?? byPlan.daily,
    };
  }

  /** Takes effect on the next request, also for tokens already issued. */
  setScopes(clientId: string, scopes: readonly string[]): void {
    const app = this.#apps.get(clientId);
    if (!app) throw new Error(`app ${clientId} is not registered in account ${this.accountId}`);
    app.setScopes(scopes);
  }

  setAdminPermissions(permissions: readonly string[]): void {
    this.#permissions = new Set(permissions.map(permissionName));
  }

  hasPermission(permission: string): boolean {
    return this.#permissions.has(permissionName(permission));
  }

  usage(): { today: number; dailyLimit: number } {
    return { today: this.rateLimiter.usedToday(this.#env.clock.now()), dailyLimit: this.limits().daily };
  }

  /** Called by ZoomSimulator.addApp. */
  registerApp(app: SimApp): void {
    this.#apps.set(app.clientId, app);
  }

  /**
   * Adds well-formed records. Their `time` places them; records may land in any
   * day, past ones included, at any moment: Zoom's reports gain records late.
   */
  addRecords(logType: 'Zoom.Activity', records: readonly ActivityLogRecord[]): void;
  addRecords(logType: 'Zoom.Operation', records: readonly OperationLogRecord[]): void;
  addRecords(logType: ZoomLogType, records: readonly ActivityLogRecord[] | readonly OperationLogRecord[]): void;
  addRecords(logType: ZoomLogType, records: readonly ActivityLogRecord[] | readonly OperationLogRecord[]): void {
    for (const record of records) {
      const ms = Date.parse(record.time);
      if (!Number.isFinite(ms)) {
        throw new Error(`record time ${JSON.stringify(record.time)} is not a date; use addRawRecord for malformed records`);
      }
      this.#store(logType, ms, this.#seq++, record);
    }
  }

  /** A record Zoom returns as-is (possibly malformed), placed at `atMs` for windowing and sorting. */
  addRawRecord(logType: ZoomLogType, record: unknown, atMs: number): void {
    if (!Number.isFinite(atMs)) throw new Error('atMs must be a finite epoch ms');
    this.#store(logType, atMs, this.#seq++, record);
  }

  /**
   * Slips one record of each schema defect into `day` (missing required field,
   * bad or numeric time, wrong type, huge string, not an object), as Zoom would
   * return them, and says which went in so a test can find each among the
   * collector's classification failures.
   */
  addMalformedRecords(logType: ZoomLogType, day: string, seed = 1): MalformedRecord[] {
    const records = this.#malformedFor(logType, day, seed);
    records.forEach((m, i) => this.addRawRecord(logType, m.record, requireDay(day) + 12 * 3_600_000 + i * 1000));
    return records;
  }

  #malformedFor(logType: ZoomLogType, day: string, seed: number): MalformedRecord[] {
    return logType === 'Zoom.Activity' ? malformedActivityRecords(day, seed) : malformedOperationRecords(day, seed);
  }

  /**
   * The exact multiset the endpoint would return for this window across all
   * pages: same day cut, same `to` inclusiveness, same category filter, same
   * visibility (nothing later than the clock), but never clamped to a month.
   * Newest first.
   */
  groundTruth(logType: ZoomLogType, fromDay: string, toDay: string, categoryType?: string): unknown[] {
    requireDay(fromDay, 'fromDay');
    requireDay(toDay, 'toDay');
    streamForLogType(logType);
    const { startMs, endMs } = this.#env.calendar.range(fromDay, toDay, this.#env.toInclusive);
    return collectWindow(this.daySource(logType), this.windowSpec(startMs, endMs, categoryType)).map((r) => r.value);
  }

  /**
   * Ground truth for detection tests: the generated operation records of the
   * UTC days `fromDay..toDay` that were planted as a rule's trigger (an alert
   * expected) or as a near miss (no alert expected), as the generator made
   * them, independent of the rules themselves.
   */
  plantedDetections(fromDay: string, toDay: string): PlantedSample[] {
    const out: PlantedSample[] = [];
    for (let ms = requireDay(fromDay, 'fromDay'); ms <= requireDay(toDay, 'toDay'); ms += DAY_MS) {
      const day = new Date(ms).toISOString().slice(0, 10);
      this.#materialise(day);
      out.push(...(this.#planted.get(day) ?? []));
    }
    return out;
  }

  /**
   * Ground truth of the planted sign-in scenarios (empty unless the generated
   * history plants them): each scenario's users and the alerts (rule id and
   * dedup) the history rules must raise for it, none for a near miss.
   */
  signInScenarioTruth(): SignInScenarioTruth[] {
    const generated = this.#generated;
    return generated?.signInScenarios ? signInScenarioTruth(generated.domain ?? 'example.com') : [];
  }

  /** The window as the endpoint evaluates it now. */
  windowSpec(startMs: number, endMs: number, categoryFilter: string | undefined): WindowSpec {
    const key = filterKey(categoryFilter);
    return {
      startMs,
      endMs,
      ...(key === undefined ? {} : { categoryKey: key }),
      visibleUntilMs: this.#env.hideFutureRecords ? this.#env.clock.now() : Number.MAX_SAFE_INTEGER,
    };
  }

  /** Days of one log type, with generated days materialised on first read and cached. */
  daySource(logType: ZoomLogType): DaySource {
    return {
      day: (day: string) => {
        this.#materialise(day);
        return this.#stores[logType].day(day);
      },
    };
  }

  #store(logType: ZoomLogType, ms: number, seq: number, value: unknown): void {
    const category = logType === 'Zoom.Operation' ? recordCategoryKey(value) : undefined;
    const record: StoredRecord = category === undefined ? { ms, seq, value } : { ms, seq, value, category };
    this.#stores[logType].add(record);
  }

  #materialise(day: string): void {
    const generated = this.#generated;
    if (!generated || this.#materialised.has(day)) return;
    this.#materialised.add(day);
    if (day < generated.fromDay || day > generated.toDay) return;
    const { activities, operations, planted } = generateDay({
      seed: generated.seed,
      day,
      volume: generated.volume,
      ...(generated.domain === undefined ? {} : { domain: generated.domain }),
      ...(generated.detectionShare === undefined ? {} : { detectionShare: generated.detectionShare }),
      ...(generated.identicalShare === undefined ? {} : { identicalShare: generated.identicalShare }),
      ...(generated.signInScenarios ? { signInScenarios: { fromDay: generated.fromDay, toDay: generated.toDay } } : {}),
    });
    const dayStart = requireDay(day);
    const place = (logType: ZoomLogType, records: readonly { time: string }[]) => {
      records.forEach((record, i) => {
        const ms = Date.parse(record.time);
        // The generator promises times inside the day; anything else would be
        // invisible to lazily materialised neighbours, so it is a bug, not data.
        if (!(ms >= dayStart && ms < dayStart + DAY_MS)) {
          throw new Error(`generated ${logType} record ${JSON.stringify(record)} is outside ${day}`);
        }
        this.#store(logType, ms, GENERATED_SEQ_BASE + i, record);
      });
    };
    place('Zoom.Activity', activities);
    place('Zoom.Operation', operations);
    this.#planted.set(day, planted);
    if (generated.malformedRecords) {
      for (const logType of ['Zoom.Activity', 'Zoom.Operation'] as const) {
        this.#malformedFor(logType, day, generated.seed).forEach((m, i) => {
          this.#store(logType, dayStart + 6 * 3_600_000 + i * 1000, GENERATED_SEQ_BASE - 1 - i, m.record);
        });
      }
    }
  }
}
