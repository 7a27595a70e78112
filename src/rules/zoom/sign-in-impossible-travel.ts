import { defineRule } from '../../detect/rule.js';
import type { HistoryRule } from '../../detect/history-rule.js';
import type { RuleEvent } from '../../detect/rule-event.js';
import { DEFAULT_HISTORY_SETTINGS } from '../../domain/history-settings.js';
import { haversineKm, MAX_SURFACE_DISTANCE_KM } from '../../domain/geo-distance.js';
import type { SignInFact } from '../../domain/sign-in-facts.js';
import { iso, PLACES, previousFact, settingsOf, signInOf, signInTest } from './sign-in-rule-helpers.js';

/**
 * Zoom.SignIn.ImpossibleTravel
 *
 * Two consecutive located sign-ins of one user (the event and the user's
 * latest located sign-in before it) whose distance over the elapsed time
 * needs more than `impossibleTravel.maxSpeedKmh` (default 1,000 km/h).
 *
 * The location error of the databases is taken out before the speed: the
 * distance used is the great-circle (haversine) distance between the two
 * points MINUS both points' accuracy radius (`accuracy_km` of the enrichment),
 * so two coarse locations (a country centroid with a 1,000 km radius) never
 * look like travel they may not be. Unknown locations and private, loopback,
 * link-local or documentation addresses have no point and are skipped (the
 * previous LOCATED sign-in is used). No learning period: it only needs the
 * previous sign-in, within the time in which the maximum speed could cover
 * half the Earth's circumference (20 h at 1,000 km/h).
 */
interface Travel {
  previous: SignInFact;
  current: SignInFact;
  distanceKm: number;
  effectiveKm: number;
  hours: number;
  speedKmh: number;
}

function travelOf(e: RuleEvent): Travel | null {
  const record = signInOf(e);
  const previous = record?.context.previousLocated;
  const current = record?.fact;
  if (!previous || !current || current.lat === null || current.lng === null || previous.lat === null || previous.lng === null) return null;
  const hours = (current.timeMs - previous.timeMs) / 3_600_000;
  if (hours <= 0) return null;
  const distanceKm = haversineKm(previous.lat, previous.lng, current.lat, current.lng);
  const effectiveKm = distanceKm - (previous.accuracyKm ?? 0) - (current.accuracyKm ?? 0);
  if (effectiveKm <= 0) return null;
  return { previous, current, distanceKm, effectiveKm, hours, speedKmh: effectiveKm / hours };
}

const round = (n: number) => Math.round(n);

export const signInImpossibleTravelRule: HistoryRule = {
  ...defineRule({
    meta: {
      id: 'Zoom.SignIn.ImpossibleTravel',
      displayName: 'Zoom Sign-in Impossible Travel',
      logTypes: ['Zoom.Activity'],
      severity: 'HIGH',
      description: 'A user signed in from two places too far apart for the time between the sign-ins (over 1,000 km/h by default, after the location error).',
      runbook:
        "Compare the two sign-ins in the alert (places, IPs, networks, devices). A VPN or a mobile network can move a user's address abroad: ask the user. " +
        'If neither place is theirs, sign the user out of all sessions, reset the password, check two-factor authentication and review what the account did since. ' +
        "How it is computed: haversine distance between the two located points minus BOTH locations' accuracy radius (the database's error), divided by the elapsed time; " +
        'private and unlocated addresses are ignored. Setting: ZOOMTRAIL_HISTORY_TRAVEL_MAX_KMH.',
      reference: 'https://attack.mitre.org/techniques/T1078/004/',
      tags: ['Initial Access:Valid Accounts', 'Sign-in'],
      mitre: ['TA0001:T1078.004'],
      summaryAttributes: ['email', 'ip_address'],
    },
    rule(e) {
      const travel = travelOf(e);
      return travel !== null && travel.speedKmh > settingsOf(e).impossibleTravel.maxSpeedKmh;
    },
    title(e) {
      const t = travelOf(e)!;
      return `Impossible travel: ${t.current.user} signed in from ${t.current.country ?? '?'} ${round(t.hours * 60)} min after ${t.previous.country ?? '?'} (${round(t.effectiveKm)} km, ${round(t.speedKmh)} km/h)`;
    },
    dedup: (e) => `${signInOf(e)?.fact.user ?? ''}`,
    alertContext(e) {
      const t = travelOf(e)!;
      return {
        user: t.current.user,
        previous: {
          rowId: t.previous.rowId,
          time: iso(t.previous.timeMs),
          ip: t.previous.ip,
          country: t.previous.country,
          lat: t.previous.lat,
          lng: t.previous.lng,
          accuracyKm: t.previous.accuracyKm,
        },
        current: { time: iso(t.current.timeMs), ip: t.current.ip, country: t.current.country, lat: t.current.lat, lng: t.current.lng, accuracyKm: t.current.accuracyKm },
        distanceKm: round(t.distanceKm),
        distanceAfterAccuracyKm: round(t.effectiveKm),
        elapsedMinutes: round(t.hours * 60),
        speedKmh: round(t.speedKmh),
        maxSpeedKmh: settingsOf(e).impossibleTravel.maxSpeedKmh,
      };
    },
    tests: [
      signInTest({
        name: 'Berlin then New York one hour later',
        expectMatch: true,
        location: PLACES.newYork,
        context: { previousLocated: previousFact(1, PLACES.berlin) },
        expectDedup: 'homer@duff.io',
        expectTitle: 'Impossible travel: homer@duff.io signed in from US 60 min after DE (6315 km, 6315 km/h)',
      }),
      signInTest({
        name: 'slow traveller: Berlin then New York ten hours later (638 km/h)',
        expectMatch: false,
        location: PLACES.newYork,
        context: { previousLocated: previousFact(10, PLACES.berlin) },
      }),
      signInTest({ name: 'Berlin then Munich one hour later (504 km)', expectMatch: false, location: PLACES.munich, context: { previousLocated: previousFact(1, PLACES.berlin) } }),
      signInTest({
        name: 'coarse locations: the accuracy radii are taken off the distance',
        expectMatch: false,
        location: PLACES.coarseUs,
        context: { previousLocated: previousFact(1, { ...PLACES.newYork, accuracy_km: 1000 }) },
      }),
      signInTest({ name: 'a private address has no place', expectMatch: false, location: PLACES.private, context: { previousLocated: previousFact(1, PLACES.berlin) } }),
      signInTest({ name: 'no previous located sign-in', expectMatch: false, location: PLACES.newYork }),
      signInTest({
        name: 'the speed limit is a setting',
        expectMatch: false,
        location: PLACES.newYork,
        context: { previousLocated: previousFact(1, PLACES.berlin) },
        settings: { ...DEFAULT_HISTORY_SETTINGS, impossibleTravel: { maxSpeedKmh: 7000 } },
      }),
    ],
  }),
  history: {
    settings: (s) => ({ maxSpeedKmh: s.impossibleTravel.maxSpeedKmh }),
    needs: 'sign-in',
    learning: false,
    lookbackDays: (settings) => Math.ceil(MAX_SURFACE_DISTANCE_KM / settings.impossibleTravel.maxSpeedKmh / 24),
  },
};
