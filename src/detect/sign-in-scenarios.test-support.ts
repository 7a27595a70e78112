import type { IpLocation } from '../domain/sign-in-facts.js';
import { addDays, dayStartMs } from '../domain/utc-days.js';
import type { EventRow } from '../store/store.js';

/**
 * A simulated account's sign-ins over `DAYS` days with planted history
 * scenarios and near misses, and the ground truth: the alerts (rule id and
 * dedup string) the history rules must raise over it. Deterministic.
 *
 * Planted: a traveller (Berlin, then New York an hour later), a new country
 * (Brazil after months of Germany), a dormant account (80 days silent), a burst
 * (six countries in 25 minutes), a shared source IP (12 users in 30 minutes).
 * Near misses: a slow traveller (Paris, then New York ten hours later), a new
 * country inside the learning period (day 5), 12 users from an allow-listed
 * egress IP.
 */
export const FIRST_DAY = '2026-01-01';
export const DAYS = 121;
export const EGRESS_CIDR = '198.51.100.0/24';

const PLACE = {
  berlin: { kind: 'public', country: 'DE', lat: 52.52, lng: 13.405, accuracy_km: 20, asn: 3320, org: 'Deutsche Telekom AG' },
  paris: { kind: 'public', country: 'FR', lat: 48.857, lng: 2.352, accuracy_km: 20, asn: 3215, org: 'Orange' },
  newYork: { kind: 'public', country: 'US', lat: 40.713, lng: -74.006, accuracy_km: 50, asn: 7922, org: 'Comcast' },
  tokyo: { kind: 'public', country: 'JP', lat: 35.68, lng: 139.69, accuracy_km: 30, asn: 2516, org: 'KDDI' },
  saoPaulo: { kind: 'public', country: 'BR', lat: -23.55, lng: -46.63, accuracy_km: 30, asn: 28573, org: 'Claro' },
  london: { kind: 'public', country: 'GB', lat: 51.507, lng: -0.128, accuracy_km: 20, asn: 2856, org: 'BT' },
} satisfies Record<string, IpLocation>;
type PlaceName = keyof typeof PLACE;
const HOMES: PlaceName[] = ['berlin', 'paris', 'newYork', 'tokyo', 'saoPaulo'];

export const EXPECTED_ALERTS: readonly string[] = [
  'Zoom.SignIn.ImpossibleTravel|trav@duff.io',
  'Zoom.SignIn.NewCountry|trav@duff.io US',
  'Zoom.SignIn.NewAsn|trav@duff.io AS7922',
  'Zoom.SignIn.NewCountry|newc@duff.io BR',
  'Zoom.SignIn.NewAsn|newc@duff.io AS28573',
  'Zoom.SignIn.DormantAccount|sleepy@duff.io',
  'Zoom.SignIn.Burst|burst@duff.io',
  'Zoom.SignIn.ImpossibleTravel|burst@duff.io',
  ...['FR', 'DE', 'JP', 'BR', 'GB'].map((c) => `Zoom.SignIn.NewCountry|burst@duff.io ${c}`),
  ...[3215, 3320, 2516, 28573, 2856].map((a) => `Zoom.SignIn.NewAsn|burst@duff.io AS${a}`),
  'Zoom.SignIn.SharedSourceIp|203.0.113.50',
].sort();

/** A tiny deterministic generator (LCG). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

export function dayOf(index: number): string {
  return addDays(FIRST_DAY, index);
}

function at(day: number, hour: number, minute = 0): number {
  return dayStartMs(dayOf(day)) + hour * 3_600_000 + minute * 60_000;
}

function signIn(email: string, timeMs: number, ip: string, place: PlaceName | null): EventRow {
  const rowId = `${timeMs.toString(36)}-${email}-${ip}`;
  const location: IpLocation | null = place ? PLACE[place] : { kind: 'private' };
  const emails = [email];
  return {
    rowId,
    day: new Date(timeMs).toISOString().slice(0, 10),
    eventTimeMs: timeMs,
    emails,
    ipAddresses: [ip],
    event: {
      email,
      time: new Date(timeMs).toISOString().replace('.000Z', 'Z'),
      type: 'Sign in',
      ip_address: ip,
      client_type: 'Browser',
      version: '6.1.0',
      p_log_type: 'Zoom.Activity',
      p_row_id: rowId,
      p_event_time: new Date(timeMs).toISOString(),
      p_any_emails: emails,
      p_any_ip_addresses: [ip],
      p_enrichment: { ip_location: { ip_address: location } },
    },
  };
}

/** Every sign-in of the simulated account, in event-time order. */
export function simulatedSignIns(): EventRow[] {
  const rng = random(15);
  const events: EventRow[] = [];
  const regular = (email: string, home: PlaceName, ip: string, skip: (day: number) => boolean, hours: [number, number] = [8, 18]) => {
    for (let day = 0; day < DAYS; day++) {
      if (skip(day) || rng() < 0.2) continue;
      const count = rng() < 0.5 ? 1 : 2;
      for (let i = 0; i < count; i++) events.push(signIn(email, at(day, hours[0] + Math.floor(rng() * (hours[1] - hours[0])), Math.floor(rng() * 60)), ip, home));
    }
  };
  // Ordinary users: 16 in Germany, the rest elsewhere; one home IP each; an occasional private (VPN) address.
  for (let u = 0; u < 40; u++) {
    const home: PlaceName = u < 16 ? 'berlin' : HOMES[u % HOMES.length]!;
    regular(`user${u}@duff.io`, home, `192.0.2.${u + 1}`, () => false);
    if (u % 7 === 0) events.push(signIn(`user${u}@duff.io`, at(30 + u, 21), '10.8.0.5', null));
  }
  // Traveller: Berlin at 09:00, New York at 10:00 on day 100.
  regular('trav@duff.io', 'berlin', '192.0.2.101', (d) => d === 100 || d === 101);
  events.push(signIn('trav@duff.io', at(100, 9), '192.0.2.101', 'berlin'), signIn('trav@duff.io', at(100, 10), '203.0.113.10', 'newYork'));
  // Slow traveller (near miss): lives in Paris and New York; Paris at 00:00, New York at 10:00 on day 101.
  for (let day = 0; day < DAYS; day++) {
    if (day === 101 || day === 100) continue;
    events.push(day % 2 === 0 ? signIn('slow@duff.io', at(day, 8), '192.0.2.102', 'paris') : signIn('slow@duff.io', at(day, 17), '203.0.113.11', 'newYork'));
  }
  events.push(signIn('slow@duff.io', at(101, 0), '192.0.2.102', 'paris'), signIn('slow@duff.io', at(101, 10), '203.0.113.11', 'newYork'));
  // New country: Brazil on day 90 after months of Germany.
  regular('newc@duff.io', 'berlin', '192.0.2.103', (d) => d === 89 || d === 90);
  events.push(signIn('newc@duff.io', at(90, 12), '203.0.113.12', 'saoPaulo'));
  // New country inside the learning period (near miss): Tokyo on day 5.
  regular('early@duff.io', 'berlin', '192.0.2.104', (d) => d === 4 || d === 5);
  events.push(signIn('early@duff.io', at(5, 12), '203.0.113.13', 'tokyo'));
  // Dormant: days 0..19, then silence until day 100.
  regular('sleepy@duff.io', 'berlin', '192.0.2.105', (d) => d >= 20);
  events.push(signIn('sleepy@duff.io', at(100, 12), '192.0.2.105', 'berlin'));
  // Burst: six countries in 25 minutes on day 110.
  regular('burst@duff.io', 'newYork', '192.0.2.106', (d) => d === 110 || d === 109);
  (['newYork', 'paris', 'berlin', 'tokyo', 'saoPaulo', 'london'] as const).forEach((place, i) =>
    events.push(signIn('burst@duff.io', at(110, 10, i * 5), `203.0.113.${20 + i}`, place)),
  );
  // Shared source IP: 12 German users from one IP within 30 minutes on day 105; the same from the allow-listed egress on day 106.
  for (let u = 0; u < 12; u++) {
    events.push(signIn(`user${u}@duff.io`, at(105, 12, u * 2), '203.0.113.50', 'berlin'));
    events.push(signIn(`user${u}@duff.io`, at(106, 12, u * 2), '198.51.100.1', 'berlin'));
  }
  return events.sort((a, b) => a.eventTimeMs - b.eventTimeMs || (a.rowId < b.rowId ? -1 : 1));
}
