/**
 * Planted sign-in scenarios for the history rules (issue 15 §4): users with a
 * home country, a traveller, a slow traveller, a VPN user, a dormant account,
 * a burst, a shared source IP and a corporate egress IP, signing in from real
 * public addresses of network-tables.ts so IP enrichment locates them, with
 * the ground truth of the alerts each must (or must not) raise.
 *
 * Days are placed relative to the generated range `fromDay..toDay` (the
 * account's history), newest scenarios a few days before `toDay` so they are
 * settled (complete) when a source first reads the account: with the default
 * settle time (2 days) every day up to `toDay - 3` is complete after the
 * first backfill. The ground truth assumes the reading source's history starts
 * at `fromDay` (its backfill covers exactly the generated days, as `--demo`
 * does), the default history settings, and SIM_EGRESS_CIDR on the egress
 * allow list (ZOOMTRAIL_HISTORY_EGRESS_ALLOW_CIDRS).
 *
 * Every hop between two located sign-ins of a scenario user that is not meant
 * to be impossible travel is spaced so that even the farthest pair of places
 * stays under 1,000 km/h (comments below give the figures). Pure: the records
 * of a day depend on the seed, the domain, the range and the day only.
 */
import type { ActivityLogRecord } from '../../zoom/report-records.js';
import { addDays, DAY_MS, requireDay } from '../day-calendar.js';
import { SIM_NETWORKS } from '../network-tables.js';
import { networkAddress } from '../random-addresses.js';
import { SeededRandom } from '../seeded-random.js';

/** Fewest generated days the scenarios fit in (the dormant account's 60 days of silence after 10 days of use). */
export const SIGN_IN_SCENARIO_MIN_DAYS = 80;

/** The simulated office's egress range: allow-listed, its daily crowd of sign-ins is the shared-IP near miss. */
export const SIM_EGRESS_CIDR = '88.64.66.0/24';

/** Fixed public addresses with their place (checked against the packaged databases by sim-sign-in-scenarios.test.ts). */
export const SCENARIO_PLACES = {
  paris: { ip: '82.64.19.168', country: 'FR', asn: 12322 },
  virginiaBeach: { ip: '2601:0:ae54:48c9::3f0a', country: 'US', asn: 7922 },
  tokyo: { ip: '126.0.197.205', country: 'JP', asn: 17676 },
  london: { ip: '86.147.253.120', country: 'GB', asn: 2856 },
  melbourne: { ip: '49.176.233.118', country: 'AU', asn: 4804 },
  berlin: { ip: '79.192.160.237', country: 'DE', asn: 3320 },
  /** The shared source IP (a Telekom address, the shared users' own network). */
  mettingen: { ip: '79.192.182.248', country: 'DE', asn: 3320 },
  /** The office egress (Vodafone), inside SIM_EGRESS_CIDR. */
  officeEgress: { ip: '88.64.66.198', country: 'DE', asn: 3209 },
  /** The VPN exit, a hosting provider. */
  vpnExit: { ip: '5.9.28.158', country: 'DE', asn: 24940 },
} as const;

export interface ExpectedSignInAlert {
  ruleId: string;
  /** The alert's dedup string, as the rule writes it. */
  dedup: string;
}

export interface SignInScenarioTruth {
  scenario: string;
  description: string;
  /** The users the scenario plants (its alerts name them). */
  users: string[];
  /** Every alert the scenario must raise; empty for a near miss. */
  alerts: ExpectedSignInAlert[];
}

const SHARED_USERS = 12;
const VPN_PRIVATE_PREFIX = '10.8.0.';

type Push = (email: string, hour: number, minute: number, ip: string) => void;

interface Scenario {
  name: string;
  description: string;
  users: (domain: string) => string[];
  alerts: (domain: string) => ExpectedSignInAlert[];
  /** Sign-ins of day `s` (days after fromDay), `k` days before toDay. */
  day: (ctx: { s: number; k: number; rng: SeededRandom; push: Push; domain: string; homeIp: (email: string, country: string) => string }) => void;
}

const NEW_COUNTRY = 'Zoom.SignIn.NewCountry';
const NEW_ASN = 'Zoom.SignIn.NewAsn';
const TRAVEL = 'Zoom.SignIn.ImpossibleTravel';

/** One sign-in a day at 08:xx from home, most days. */
function regular(ctx: Parameters<Scenario['day']>[0], email: string, country: string): void {
  if (ctx.rng.chance(0.85)) ctx.push(email, 8, ctx.rng.int(0, 60), ctx.homeIp(email, country));
}

const sharedUser = (domain: string, u: number) => `shared.${String(u + 1).padStart(2, '0')}@${domain}`;

const SCENARIOS: readonly Scenario[] = [
  {
    name: 'traveller',
    description: 'Lives in Germany; signs in from home at 09:00 and from Virginia Beach (US) at 10:00, 6 days before the last day.',
    users: (d) => [`traveller@${d}`],
    alerts: (d) => [
      { ruleId: TRAVEL, dedup: `traveller@${d}` },
      { ruleId: NEW_COUNTRY, dedup: `traveller@${d} US` },
      { ruleId: NEW_ASN, dedup: `traveller@${d} AS7922` },
    ],
    day(ctx) {
      const email = `traveller@${ctx.domain}`;
      if (ctx.k !== 6) return regular(ctx, email, 'DE'); // the next day's 08:xx is 22 h after the US sign-in: < 300 km/h
      ctx.push(email, 9, 0, ctx.homeIp(email, 'DE'));
      ctx.push(email, 10, 0, SCENARIO_PLACES.virginiaBeach.ip);
    },
  },
  {
    name: 'slow traveller (near miss)',
    description:
      'Lives in Paris and Virginia Beach on alternate days (16 h hops, about 400 km/h); 8 days before the last day: Paris at 06:00, Virginia Beach at 14:00 (6,300 km in 8 h, about 790 km/h).',
    users: (d) => [`slow.traveller@${d}`],
    alerts: () => [],
    day(ctx) {
      const email = `slow.traveller@${ctx.domain}`;
      if (ctx.k === 8) {
        ctx.push(email, 6, 0, SCENARIO_PLACES.paris.ip);
        ctx.push(email, 14, 0, SCENARIO_PLACES.virginiaBeach.ip);
      } else if (ctx.k !== 7 && ctx.k !== 9) {
        if (ctx.s % 2 === 0) ctx.push(email, 8, 0, SCENARIO_PLACES.paris.ip);
        else ctx.push(email, 16, 0, SCENARIO_PLACES.virginiaBeach.ip);
      }
    },
  },
  {
    name: 'new country',
    description: 'Lives in Germany; signs in from Tokyo at 12:00, 9 days before the last day (28 h after the last home sign-in).',
    users: (d) => [`new.country@${d}`],
    alerts: (d) => [
      { ruleId: NEW_COUNTRY, dedup: `new.country@${d} JP` },
      { ruleId: NEW_ASN, dedup: `new.country@${d} AS17676` },
    ],
    day(ctx) {
      const email = `new.country@${ctx.domain}`;
      if (ctx.k === 9) ctx.push(email, 12, 0, SCENARIO_PLACES.tokyo.ip);
      else if (ctx.k === 10) ctx.push(email, 8, 0, ctx.homeIp(email, 'DE'));
      else regular(ctx, email, 'DE');
    },
  },
  {
    name: 'new country while learning (near miss)',
    description: 'Lives in Germany; signs in from Paris on the 6th day of history, inside the 14-day learning period.',
    users: (d) => [`early.country@${d}`],
    alerts: () => [],
    day(ctx) {
      const email = `early.country@${ctx.domain}`;
      if (ctx.s === 5) ctx.push(email, 12, 0, SCENARIO_PLACES.paris.ip);
      else regular(ctx, email, 'DE');
    },
  },
  {
    name: 'dormant account',
    description: 'Signs in on the first 10 days, then not at all until 5 days before the last day (over 60 days of proven silence).',
    users: (d) => [`dormant@${d}`],
    alerts: (d) => [{ ruleId: 'Zoom.SignIn.DormantAccount', dedup: `dormant@${d}` }],
    day(ctx) {
      const email = `dormant@${ctx.domain}`;
      if (ctx.s < 10) ctx.push(email, 8, ctx.rng.int(0, 60), ctx.homeIp(email, 'GB'));
      else if (ctx.k === 5) ctx.push(email, 11, 0, ctx.homeIp(email, 'GB'));
    },
  },
  {
    name: 'burst',
    description: 'Lives in the US; 4 days before the last day signs in from the US, Australia, Japan, the UK, France and Germany within 25 minutes.',
    users: (d) => [`burst@${d}`],
    alerts: (d) => [
      { ruleId: 'Zoom.SignIn.Burst', dedup: `burst@${d}` },
      { ruleId: TRAVEL, dedup: `burst@${d}` },
      ...['AU', 'JP', 'GB', 'FR', 'DE'].map((c) => ({ ruleId: NEW_COUNTRY, dedup: `burst@${d} ${c}` })),
      ...[4804, 17676, 2856, 12322, 3320].map((a) => ({ ruleId: NEW_ASN, dedup: `burst@${d} AS${a}` })),
    ],
    day(ctx) {
      const email = `burst@${ctx.domain}`;
      if (ctx.k === 3) return; // the burst ends in Berlin; the next sign-in is 40 h later
      if (ctx.k !== 4) return regular(ctx, email, 'US');
      const { melbourne, tokyo, london, paris, berlin } = SCENARIO_PLACES;
      [ctx.homeIp(email, 'US'), melbourne.ip, tokyo.ip, london.ip, paris.ip, berlin.ip].forEach((ip, i) => ctx.push(email, 15, i * 5, ip));
    },
  },
  {
    name: 'shared source IP',
    description: '12 users (Telekom at home) sign in from one Telekom address within 24 minutes, 10 days before the last day.',
    users: (d) => Array.from({ length: SHARED_USERS }, (_, u) => sharedUser(d, u)),
    alerts: () => [{ ruleId: 'Zoom.SignIn.SharedSourceIp', dedup: SCENARIO_PLACES.mettingen.ip }],
    day(ctx) {
      if (ctx.k !== 10) return;
      // 14:xx: at least 4.5 h after their 09:xx sign-in at the office (DE is under 900 km wide).
      for (let u = 0; u < SHARED_USERS; u++) ctx.push(sharedUser(ctx.domain, u), 14, u * 2, SCENARIO_PLACES.mettingen.ip);
    },
  },
  {
    name: 'corporate egress (near miss)',
    description: `The same 12 users sign in at the office every morning from ${SCENARIO_PLACES.officeEgress.ip} (allow-listed: ${SIM_EGRESS_CIDR}), from home most evenings.`,
    users: (d) => Array.from({ length: SHARED_USERS }, (_, u) => sharedUser(d, u)),
    alerts: () => [],
    day(ctx) {
      for (let u = 0; u < SHARED_USERS; u++) {
        const email = sharedUser(ctx.domain, u);
        ctx.push(email, 9, u * 2, SCENARIO_PLACES.officeEgress.ip);
        if (ctx.s < 3 || ctx.rng.chance(0.6)) ctx.push(email, 19, ctx.rng.int(0, 180), ctx.homeIp(email, 'DE'));
      }
    },
  },
  {
    name: 'VPN user (near miss)',
    description: 'Lives in Germany; most afternoons signs in through a VPN exit at a German hosting provider, some evenings through a private (10.8.0.x) VPN address.',
    users: (d) => [`vpn.user@${d}`],
    alerts: () => [],
    day(ctx) {
      const email = `vpn.user@${ctx.domain}`;
      ctx.push(email, 8, ctx.rng.int(0, 60), ctx.homeIp(email, 'DE'));
      if (ctx.s < 3 || ctx.rng.chance(0.5)) ctx.push(email, 13, ctx.rng.int(0, 60), SCENARIO_PLACES.vpnExit.ip);
      if (ctx.rng.chance(0.3)) ctx.push(email, 17, ctx.rng.int(0, 60), `${VPN_PRIVATE_PREFIX}${ctx.rng.int(2, 255)}`);
    },
  },
];

/** The ground truth of the scenarios for `domain`: what each must alert on (near misses: nothing). */
export function signInScenarioTruth(domain = 'example.com'): SignInScenarioTruth[] {
  return SCENARIOS.map((s) => ({ scenario: s.name, description: s.description, users: s.users(domain), alerts: s.alerts(domain) }));
}

/** Every expected alert as `ruleId|dedup`, sorted. */
export function expectedSignInAlerts(domain = 'example.com'): string[] {
  return signInScenarioTruth(domain)
    .flatMap((s) => s.alerts.map((a) => `${a.ruleId}|${a.dedup}`))
    .sort();
}

/** Every user the scenarios plant, for telling their alerts from any others. */
export function signInScenarioUsers(domain = 'example.com'): string[] {
  return [...new Set(signInScenarioTruth(domain).flatMap((s) => s.users))].sort();
}

/** Throws unless `fromDay..toDay` holds at least SIGN_IN_SCENARIO_MIN_DAYS days. */
export function checkScenarioRange(fromDay: string, toDay: string): void {
  const days = (requireDay(toDay, 'toDay') - requireDay(fromDay, 'fromDay')) / DAY_MS + 1;
  if (days < SIGN_IN_SCENARIO_MIN_DAYS) {
    throw new RangeError(`sign-in scenarios need at least ${SIGN_IN_SCENARIO_MIN_DAYS} generated days (the dormant account's silence), got ${days} (${fromDay}..${toDay})`);
  }
}

/**
 * The scenarios' records of `day` (sign-ins, each followed by its sign-out 40
 * minutes later), unsorted; none outside `fromDay..toDay`.
 */
export function signInScenarioRecords(seed: number, domain: string, range: { fromDay: string; toDay: string }, day: string): ActivityLogRecord[] {
  checkScenarioRange(range.fromDay, range.toDay);
  const dayMs = requireDay(day);
  if (day < range.fromDay || day > range.toDay) return [];
  const s = (dayMs - requireDay(range.fromDay)) / DAY_MS;
  const k = (requireDay(range.toDay) - dayMs) / DAY_MS;
  const homes = new Map<string, string>();
  const homeIp = (email: string, country: string): string => {
    let ip = homes.get(email);
    if (ip === undefined) {
      const rng = SeededRandom.forKey(seed, `sign-in-scenario-home:${email}`);
      const network = rng.pick(SIM_NETWORKS.filter((n) => n.use === 'home' && n.country === country && n.ipv4.length > 0));
      ip = networkAddress(network, rng);
      homes.set(email, ip);
    }
    return ip;
  };
  const records: ActivityLogRecord[] = [];
  const time = (hour: number, minute: number) => new Date(dayMs + hour * 3_600_000 + minute * 60_000).toISOString().replace('.000Z', 'Z');
  for (const scenario of SCENARIOS) {
    const rng = SeededRandom.forKey(seed, `sign-in-scenario:${scenario.name}:${day}`);
    const push: Push = (email, hour, minute, ip) => {
      const client = { client_type: 'mac', version: '6.2.5 (48722)' };
      records.push({ email, time: time(hour, minute), type: 'Sign in', ip_address: ip, ...client });
      records.push({ email, time: time(hour, minute + 40), type: 'Sign out', ip_address: ip, ...client });
    };
    scenario.day({ s, k, rng, push, domain, homeIp });
  }
  return records;
}

/** `fromDay..toDay` of `days` days ending on `toDay`. */
export function scenarioRange(toDay: string, days: number): { fromDay: string; toDay: string } {
  return { fromDay: addDays(toDay, -(days - 1)), toDay };
}
