/**
 * Indicators: values a schema marks as emails, IP addresses, usernames,
 * domains or URLs, normalized and gathered into Panther's `p_any_*` fields.
 * A value that is not a valid indicator is simply not gathered; the event
 * still stores it unchanged in its own field.
 */
import { isIP } from 'node:net';

export const P_ANY_EMAILS = 'p_any_emails';
export const P_ANY_IP_ADDRESSES = 'p_any_ip_addresses';
export const P_ANY_USERNAMES = 'p_any_usernames';
export const P_ANY_DOMAIN_NAMES = 'p_any_domain_names';

/** Receives one normalized indicator value for one `p_any_*` field. */
export type IndicatorSink = (pField: string, value: string) => void;

/** Normalizes one raw string and passes what it finds to the sink (possibly nothing). */
export type IndicatorExtractor = (raw: string, sink: IndicatorSink) => void;

/** An indicator name must make a sane field name: `p_any_<name>s`. */
export const INDICATOR_NAME = /^[a-z][a-z0-9_]*$/;

const EMAIL = /^[^\s@]+@[^\s@]+$/;
const HAS_WHITESPACE_OR_DELIMITER = /[\s/@:?#\\]/;

/** `local@domain`, trimmed and lower-cased; `undefined` if it does not look like one. */
export function normalizeEmail(raw: string): string | undefined {
  const value = raw.trim().toLowerCase();
  return EMAIL.test(value) ? value : undefined;
}

/**
 * A valid IPv4 or IPv6 address (as `node:net` isIP judges it), trimmed; IPv6
 * lower-cased (a `%zone` suffix keeps its case). `undefined` if invalid.
 */
export function normalizeIp(raw: string): string | undefined {
  const value = raw.trim();
  const version = isIP(value);
  if (version === 4) return value;
  if (version !== 6) return undefined;
  const zone = value.indexOf('%');
  return zone < 0 ? value.toLowerCase() : value.slice(0, zone).toLowerCase() + value.slice(zone);
}

/** A username, trimmed; `undefined` when empty. Case is kept: usernames may be case-sensitive. */
export function normalizeUsername(raw: string): string | undefined {
  return trimmedNonEmpty(raw);
}

function trimmedNonEmpty(raw: string): string | undefined {
  const value = raw.trim();
  return value === '' ? undefined : value;
}

/**
 * A domain name, trimmed, lower-cased, without a trailing dot; `undefined`
 * when empty or when it holds whitespace or URL/email delimiters.
 */
export function normalizeDomain(raw: string): string | undefined {
  let value = raw.trim().toLowerCase();
  if (value.endsWith('.')) value = value.slice(0, -1);
  return value === '' || HAS_WHITESPACE_OR_DELIMITER.test(value) ? undefined : value;
}

/**
 * The host of a URL: `{ kind: 'ip' }` for an IP literal (brackets removed),
 * `{ kind: 'domain' }` otherwise; `undefined` when the text is not an
 * absolute URL with a host.
 */
export function hostOfUrl(raw: string): { kind: 'ip' | 'domain'; host: string } | undefined {
  const text = raw.trim();
  if (!URL.canParse(text)) return undefined;
  const hostname = new URL(text).hostname;
  if (hostname === '') return undefined;
  const unbracketed = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  const ip = normalizeIp(unbracketed);
  if (ip !== undefined) return { kind: 'ip', host: ip };
  const domain = normalizeDomain(hostname);
  return domain === undefined ? undefined : { kind: 'domain', host: domain };
}

function single(pField: string, normalize: (raw: string) => string | undefined): IndicatorExtractor {
  return (raw, sink) => {
    const value = normalize(raw);
    if (value !== undefined) sink(pField, value);
  };
}

/** The field a generic indicator `<name>` fills: `p_any_<name>s`. */
function genericField(name: string): string {
  return `p_any_${name}s`;
}

interface IndicatorDefinition {
  /** Every `p_any_*` field the extractor may write. */
  fields: readonly string[];
  extract: IndicatorExtractor;
}

/** The indicators with their own normalization; any other name is generic. */
const KNOWN_INDICATORS: ReadonlyMap<string, IndicatorDefinition> = new Map([
  ['email', { fields: [P_ANY_EMAILS], extract: single(P_ANY_EMAILS, normalizeEmail) }],
  ['ip', { fields: [P_ANY_IP_ADDRESSES], extract: single(P_ANY_IP_ADDRESSES, normalizeIp) }],
  ['username', { fields: [P_ANY_USERNAMES], extract: single(P_ANY_USERNAMES, normalizeUsername) }],
  ['domain', { fields: [P_ANY_DOMAIN_NAMES], extract: single(P_ANY_DOMAIN_NAMES, normalizeDomain) }],
  [
    'url',
    {
      // Like Panther: a URL's host is a domain name, unless it is an IP address.
      fields: [P_ANY_DOMAIN_NAMES, P_ANY_IP_ADDRESSES],
      extract: (raw, sink) => {
        const host = hostOfUrl(raw);
        if (host) sink(host.kind === 'ip' ? P_ANY_IP_ADDRESSES : P_ANY_DOMAIN_NAMES, host.host);
      },
    },
  ],
]);

function definitionOf(name: string): IndicatorDefinition {
  const known = KNOWN_INDICATORS.get(name);
  if (known) return known;
  if (!INDICATOR_NAME.test(name)) throw new Error(`invalid indicator name "${name}"`);
  const field = genericField(name);
  return { fields: [field], extract: single(field, trimmedNonEmpty) };
}

/**
 * The extractor for one indicator name, chosen once at schema compile time.
 * `email`, `ip`, `username`, `domain` and `url` have their own rules; any
 * other name gathers trimmed, non-empty values into `p_any_<name>s`.
 */
export function indicatorExtractor(name: string): IndicatorExtractor {
  return definitionOf(name).extract;
}

/** The `p_any_*` fields an indicator may fill (`url` fills domain names or IP addresses). */
export function indicatorFields(name: string): readonly string[] {
  return definitionOf(name).fields;
}

/** Sorts and de-duplicates gathered values in place; returns the same array. */
export function finishIndicatorValues(values: string[]): string[] {
  if (values.length < 2) return values;
  values.sort();
  let kept = 1;
  for (let i = 1; i < values.length; i++) {
    if (values[i] !== values[kept - 1]) values[kept++] = values[i] as string;
  }
  values.length = kept;
  return values;
}
