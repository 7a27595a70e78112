import type { SignInFact } from './sign-in-facts.js';

/**
 * The stored history of one sign-in's user and IP as of the sign-in's time
 * (only events strictly before it, except the window counts, which include
 * every sign-in up to and at its time, itself too). Read by
 * `SignInHistoryStore.signInContexts` with the windows of `HistoryWindows`.
 */
export interface SignInContext {
  /** The user's latest sign-in before the event within the dormant look-back (any place), or null. */
  previous: SignInFact | null;
  /** The user's latest sign-in with a location before the event within the travel look-back, or null. */
  previousLocated: SignInFact | null;
  /** Whether the user signed in from the event's country within the look-back before it; null when the event has no country. */
  countrySeen: boolean | null;
  /** Whether the user signed in from the event's ASN within the look-back before it; null when the event has no ASN. */
  asnSeen: boolean | null;
  /** Distinct countries and IPs of the user's sign-ins in [t - burst window, t]. */
  recentCountries: number;
  recentIps: number;
  /** Distinct users signing in from the event's IP in [t - shared-IP window, t] (0 without an IP). */
  ipUsers: number;
}
