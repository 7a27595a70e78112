import { MAX_SURFACE_DISTANCE_KM } from './geo-distance.js';

/**
 * The thresholds and look-backs of the history-aware rules, one group per rule
 * (settings: `ZOOMTRAIL_HISTORY_*`, see setting-definitions.ts; shown with each
 * rule by `zoomtrail rules list`). Defaults are the numbers.
 */
export interface HistorySettings {
  /** Complete days of history a baseline rule (new country, new ASN, dormant) needs before the event's day. */
  learningDays: number;
  newCountry: { lookbackDays: number };
  newAsn: { lookbackDays: number };
  impossibleTravel: { maxSpeedKmh: number };
  signInBurst: { windowMinutes: number; countries: number; ips: number };
  dormantAccount: { silenceDays: number; lookbackDays: number };
  sharedSourceIp: { windowMinutes: number; users: number; allowCidrs: readonly string[] };
  privilegeThenWeakening: { windowMinutes: number };
}

export const DEFAULT_HISTORY_SETTINGS: HistorySettings = {
  learningDays: 14,
  newCountry: { lookbackDays: 90 },
  newAsn: { lookbackDays: 90 },
  impossibleTravel: { maxSpeedKmh: 1000 },
  signInBurst: { windowMinutes: 60, countries: 5, ips: 10 },
  dormantAccount: { silenceDays: 60, lookbackDays: 180 },
  sharedSourceIp: { windowMinutes: 60, users: 10, allowCidrs: [] },
  privilegeThenWeakening: { windowMinutes: 60 },
};

const DAY = 86_400_000;
const MINUTE = 60_000;

/** How far back each sign-in question looks from the event (ms): what the store reads. */
export interface HistoryWindows {
  countryLookbackMs: number;
  asnLookbackMs: number;
  /** The previous sign-in (any place), for the dormant-account rule. */
  dormantLookbackMs: number;
  /** The previous located sign-in, for impossible travel. */
  travelLookbackMs: number;
  burstWindowMs: number;
  sharedIpWindowMs: number;
}

/**
 * Impossible travel needs no look-back beyond the time in which, at the
 * maximum speed, half the Earth's circumference could be covered: a previous
 * sign-in older than that can never make an impossible pair.
 */
export function travelLookbackMs(settings: HistorySettings): number {
  return Math.ceil((MAX_SURFACE_DISTANCE_KM / settings.impossibleTravel.maxSpeedKmh) * 3_600_000);
}

export function historyWindows(settings: HistorySettings): HistoryWindows {
  return {
    countryLookbackMs: settings.newCountry.lookbackDays * DAY,
    asnLookbackMs: settings.newAsn.lookbackDays * DAY,
    dormantLookbackMs: settings.dormantAccount.lookbackDays * DAY,
    travelLookbackMs: travelLookbackMs(settings),
    burstWindowMs: settings.signInBurst.windowMinutes * MINUTE,
    sharedIpWindowMs: settings.sharedSourceIp.windowMinutes * MINUTE,
  };
}

/** `settings` with `cidr` added to the shared-IP rule's egress allow list (`start --demo` allow-lists its simulated office). */
export function withEgressAllowed(settings: HistorySettings, cidr: string): HistorySettings {
  const allowCidrs = settings.sharedSourceIp.allowCidrs.includes(cidr) ? settings.sharedSourceIp.allowCidrs : [...settings.sharedSourceIp.allowCidrs, cidr];
  return { ...settings, sharedSourceIp: { ...settings.sharedSourceIp, allowCidrs } };
}
