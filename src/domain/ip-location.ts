/**
 * What IP enrichment stores with an event, Panther style: for every field a
 * schema marks as an IP address, `p_enrichment.ip_location.<field path>` holds
 * one IpLocation (e.g. `p_enrichment.ip_location.ip_address` on Zoom.Activity).
 * It is stored (not derived on read): the databases change monthly, and an
 * event keeps the location it had when it was collected. Only `country_name`
 * is left out of the stored form when it is the runtime's English name for
 * `country` (normalize/stored-event.ts), so it reads as the name the running
 * Node.js gives that code. The normalizer writes
 * it (src/normalize/ip-locator.ts); the store indexes its countries and ASNs;
 * rules read it.
 */

/**
 * The range an address belongs to. Only `public` addresses are looked up;
 * every other kind is a range that has no location, labelled, never guessed.
 */
export type IpKind = 'public' | 'private' | 'loopback' | 'link_local' | 'documentation' | 'shared' | 'multicast' | 'unspecified' | 'reserved';

export const IP_KINDS: readonly IpKind[] = ['public', 'private', 'loopback', 'link_local', 'documentation', 'shared', 'multicast', 'unspecified', 'reserved'];

/** One address's enrichment; every field but `kind` is absent when the databases do not know it. */
export interface IpLocation {
  kind: IpKind;
  /** ISO 3166-1 alpha-2, upper case (`DE`). */
  country?: string;
  /** English name of the country (`Germany`). */
  country_name?: string;
  /** First-level subdivision (`Hesse`). */
  region?: string;
  city?: string;
  /** Degrees, WGS 84. */
  lat?: number;
  lng?: number;
  /** Radius the location is known to, when the database gives one. */
  accuracy_km?: number;
  /** Autonomous system number. */
  asn?: number;
  /** Organisation of the autonomous system. */
  org?: string;
}

/** The fields of IpLocation, in the order schemas/p-enrichment.yml documents them. */
export const IP_LOCATION_FIELDS = ['kind', 'country', 'country_name', 'region', 'city', 'lat', 'lng', 'accuracy_km', 'asn', 'org'] as const satisfies ReadonlyArray<
  keyof IpLocation
>;

export const P_ENRICHMENT = 'p_enrichment';
export const IP_LOCATION = 'ip_location';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every stored IpLocation of an event, keyed by field path (`ip_address`); empty when none. */
export function ipLocationsOf(event: Readonly<Record<string, unknown>>): Map<string, IpLocation> {
  const out = new Map<string, IpLocation>();
  const enrichment = event[P_ENRICHMENT];
  if (!isRecord(enrichment)) return out;
  const locations = enrichment[IP_LOCATION];
  if (!isRecord(locations)) return out;
  for (const [path, value] of Object.entries(locations)) {
    if (isRecord(value) && typeof value.kind === 'string') out.set(path, value as unknown as IpLocation);
  }
  return out;
}

/** The stored IpLocation of one field (`ip_address`), if any. */
export function ipLocationOf(event: Readonly<Record<string, unknown>>, fieldPath: string): IpLocation | undefined {
  return ipLocationsOf(event).get(fieldPath);
}

/** A country code as indexed and filtered: trimmed, upper case. */
export function normalizeCountryCode(raw: string): string {
  return raw.trim().toUpperCase();
}

/**
 * The `event_indicators` keys of an event's enrichment: each distinct country
 * (`country`, `DE`) and ASN (`asn`, `3320`, decimal text) of its locations.
 */
export function enrichmentIndicatorKeys(event: Readonly<Record<string, unknown>>): Array<{ kind: 'country' | 'asn'; value: string }> {
  const countries = new Set<string>();
  const asns = new Set<string>();
  for (const location of ipLocationsOf(event).values()) {
    if (typeof location.country === 'string' && location.country !== '') countries.add(normalizeCountryCode(location.country));
    if (typeof location.asn === 'number' && Number.isInteger(location.asn)) asns.add(String(location.asn));
  }
  return [...[...countries].map((value) => ({ kind: 'country' as const, value })), ...[...asns].map((value) => ({ kind: 'asn' as const, value }))];
}
