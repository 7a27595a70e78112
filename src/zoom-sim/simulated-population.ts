/**
 * The simulated account's people: the same ~50 users on every day of one seed,
 * with their roles, Zoom clients, addresses and working hours.
 */
import {
  BROWSER_VERSION,
  CUSTOM_ROLES,
  DESKTOP_VERSIONS,
  FIRST_NAMES,
  LAST_NAMES,
  MOBILE_VERSIONS,
  NEW_HIRE_COUNT,
  POPULATION_SIZE,
  WORK_STARTS_UTC_HOURS,
} from './population-tables.js';
import { HOME_COUNTRIES, SIM_NETWORKS } from './network-tables.js';
import { hex16, networkAddress } from './random-addresses.js';
import { SeededRandom } from './seeded-random.js';

export interface ClientProfile {
  client_type: string;
  /** Undefined when this client reports no version. */
  version: string | undefined;
  mobile: boolean;
}

export interface SimUser {
  email: string;
  role: string;
  clients: readonly ClientProfile[];
  /** ISO 3166-1 alpha-2 country the user lives and signs in from (network-tables.ts). */
  homeCountry: string;
  /** The user's home network address (a real ISP of the home country). */
  homeIp: string;
  /** Address used on mobile networks: IPv6 where the home country's networks have it here. */
  mobileIpv6: string;
  /** Start of the user's working hours, in seconds after 00:00 UTC. */
  workStart: number;
}

export interface Population {
  users: readonly SimUser[];
  /** Owner and admins: the people behind most operation logs, with their weights. */
  operators: readonly string[];
  members: readonly SimUser[];
  newHires: readonly string[];
  /** The office's egress addresses (a business ISP). */
  officeIps: readonly string[];
  /** Three groups (`2600:1700:1a2b`): the office's IPv6 network. */
  officeIpv6Prefix: string;
}

const populationCache = new Map<string, Population>();

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
  const offices = SIM_NETWORKS.filter((n) => n.use === 'office');
  const officeV4 = offices.find((n) => n.ipv4.length > 0);
  const officeV6 = offices.find((n) => n.ipv6 !== undefined);
  const officeIps = officeV4 ? [networkAddress(officeV4, rng), networkAddress(officeV4, rng)] : [];
  const officeIpv6Prefix = `${officeV6?.ipv6 ?? '2600:1700'}:${hex16(rng)}`;
  const users: SimUser[] = [];
  for (let i = 0; i < POPULATION_SIZE; i++) {
    // First names are unique, so pairing the i-th of each shuffle gives unique emails.
    const email = `${firsts[i]}.${lasts[i]}@${domain}`;
    const role = i === 0 ? 'Owner' : i <= 3 ? 'Admin' : i === 4 ? 'Billing Admin' : i <= 7 ? rng.pick(CUSTOM_ROLES) : 'Member';
    const clients: ClientProfile[] = [];
    const roll = rng.next();
    clients.push(makeClient(rng, roll < 0.48 ? 'windows' : roll < 0.86 ? 'mac' : roll < 0.93 ? 'linux' : 'Browser'));
    if (rng.chance(0.6)) clients.push(makeClient(rng, rng.pick(['ios', 'ios', 'android', 'android'])));
    if (rng.chance(0.35)) clients.push(makeClient(rng, 'Browser'));
    const hour = rng.pick(WORK_STARTS_UTC_HOURS);
    const homeCountry = rng.pick(HOME_COUNTRIES);
    const homeNetworks = SIM_NETWORKS.filter((n) => n.use === 'home' && n.country === homeCountry);
    const home = rng.pick(homeNetworks);
    const mobile = homeNetworks.find((n) => n.ipv6 !== undefined) ?? home;
    users.push({
      email,
      role,
      clients,
      homeCountry,
      homeIp: networkAddress(home, rng),
      mobileIpv6: networkAddress(mobile, rng, 1),
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

/** The population of a seed and domain, built once per process. */
export function populationFor(seed: number, domain: string): Population {
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
