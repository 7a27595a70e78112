import type { HistoryFacts } from '../../detect/history-rule.js';
import type { RuleTest } from '../../detect/rule.js';
import type { RuleEvent } from '../../detect/rule-event.js';
import { DEFAULT_HISTORY_SETTINGS, type HistorySettings } from '../../domain/history-settings.js';
import type { SignInContext } from '../../domain/sign-in-context.js';
import { signInFactOf, type IpLocation, type SignInFact } from '../../domain/sign-in-facts.js';
import type { SignInHistoryRecord } from '../../store/sign-in-history-store.js';

/** What the history rules on sign-ins share: the event's fact and history (absent: not a sign-in, or no history read). */
export function signInOf(e: RuleEvent): SignInHistoryRecord | undefined {
  return e.history?.signIn;
}

export function settingsOf(e: RuleEvent): HistorySettings {
  return e.history?.settings ?? DEFAULT_HISTORY_SETTINGS;
}

/** `DE` or `unknown place`: for titles. */
export function placeOf(fact: SignInFact): string {
  return fact.country ?? 'an unknown place';
}

/** An ISO time for alert contexts. */
export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

// --- rule unit tests ------------------------------------------------------------

export const TEST_TIME = Date.parse('2026-05-04T10:00:00Z');
export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** Enrichment locations for the rules' own tests. */
export const PLACES = {
  berlin: { kind: 'public', country: 'DE', city: 'Berlin', lat: 52.52, lng: 13.405, accuracy_km: 20, asn: 3320, org: 'Deutsche Telekom AG' },
  munich: { kind: 'public', country: 'DE', city: 'Munich', lat: 48.137, lng: 11.575, accuracy_km: 20, asn: 3320, org: 'Deutsche Telekom AG' },
  newYork: { kind: 'public', country: 'US', city: 'New York', lat: 40.713, lng: -74.006, accuracy_km: 50, asn: 7922, org: 'Comcast' },
  paris: { kind: 'public', country: 'FR', city: 'Paris', lat: 48.857, lng: 2.352, accuracy_km: 20, asn: 3215, org: 'Orange' },
  coarseUs: { kind: 'public', country: 'US', lat: 37.751, lng: -97.822, accuracy_km: 1000, asn: 7922 },
  private: { kind: 'private' },
} satisfies Record<string, IpLocation>;

/** A Zoom.Activity sign-in as stored, with its enrichment. */
export function signInEvent(email: string, timeMs: number, ip: string, location: IpLocation | null): Record<string, unknown> {
  return {
    email,
    time: new Date(timeMs).toISOString().replace('.000Z', 'Z'),
    type: 'Sign in',
    ip_address: ip,
    client_type: 'Browser',
    version: '5.17.0',
    p_log_type: 'Zoom.Activity',
    ...(location ? { p_enrichment: { ip_location: { ip_address: location } } } : {}),
  };
}

export const NO_HISTORY: SignInContext = {
  previous: null,
  previousLocated: null,
  countrySeen: false,
  asnSeen: false,
  recentCountries: 1,
  recentIps: 1,
  ipUsers: 1,
};

/**
 * A rule test on a sign-in with the history the store would return for it
 * (`context`), as the detector gives it.
 */
export function signInTest(
  test: Omit<RuleTest, 'event' | 'history'> & {
    email?: string;
    timeMs?: number;
    ip?: string;
    location: IpLocation | null;
    context?: Partial<SignInContext>;
    settings?: HistorySettings;
  },
): RuleTest {
  const { email = 'homer@duff.io', timeMs = TEST_TIME, ip = '198.51.100.20', location, context, settings = DEFAULT_HISTORY_SETTINGS, ...rest } = test;
  const event = signInEvent(email, timeMs, ip, location);
  const fact = signInFactOf('row-under-test', timeMs, event)!;
  const history: HistoryFacts = { settings, signIn: { fact, context: { ...NO_HISTORY, ...context } } };
  return { ...rest, event, history };
}

/** A previous sign-in of the test user. */
export function previousFact(hoursBefore: number, location: IpLocation | null, ip = '198.51.100.10', email = 'homer@duff.io'): SignInFact {
  const timeMs = TEST_TIME - hoursBefore * HOUR_MS;
  return signInFactOf(`previous-${hoursBefore}`, timeMs, signInEvent(email, timeMs, ip, location))!;
}
