import { describe, expect, it } from 'vitest';
import { FileIpLocator } from '../normalize/ip-locator.js';
import type { StoredEvent } from '../store/store.js';
import { eventListLine, parseCountryOption } from './events-command.js';
import { ipEnrichmentLines } from './health-command.js';

const stored = (event: Record<string, unknown>): StoredEvent => ({
  rowId: 'r1',
  sourceId: 's1',
  logType: 'Zoom.Activity',
  day: '2026-03-04',
  eventTimeMs: Date.parse('2026-03-04T09:00:00Z'),
  storedAt: 0,
  emails: [],
  ipAddresses: [],
  event,
});

describe('events list', () => {
  it('--country takes a two-letter code, upper-cased, and refuses anything else', () => {
    expect(parseCountryOption(' de ')).toBe('DE');
    expect(() => parseCountryOption('DEU')).toThrow(/two-letter ISO 3166-1 code/);
    expect(() => parseCountryOption('1A')).toThrow(/two-letter/);
  });

  it('shows where a sign-in came from: country, city and ASN, or the kind of a special range', () => {
    const signIn = {
      email: 'dora@example.com',
      type: 'Sign in',
      ip_address: '84.150.1.1',
      p_enrichment: { ip_location: { ip_address: { kind: 'public', country: 'DE', city: 'Fulda', asn: 3320 } } },
    };
    expect(eventListLine(stored(signIn))).toBe('2026-03-04T09:00:00.000Z  Zoom.Activity  dora@example.com  Sign in  84.150.1.1  DE Fulda AS3320');
    const office = { email: 'eve@example.com', type: 'Sign out', ip_address: '10.0.0.1', p_enrichment: { ip_location: { ip_address: { kind: 'private' } } } };
    expect(eventListLine(stored(office))).toBe('2026-03-04T09:00:00.000Z  Zoom.Activity  eve@example.com  Sign out  10.0.0.1  private');
  });
});

describe('zoomtrail health: IP enrichment', () => {
  it('names the databases with build dates and the attribution', () => {
    const lines = ipEnrichmentLines(new FileIpLocator());
    expect(lines[0]).toBe('IP enrichment:');
    expect(lines[1]).toMatch(/^ {2}city: @ip-location-db\/dbip-city-mmdb@\S+ \(city ipv4, built 20\d\d-\d\d-\d\d\)$/);
    expect(lines[3]).toMatch(/^ {2}asn: @ip-location-db\/asn@\S+ \(csv, built 20\d\d-\d\d-\d\d\)$/);
    expect(lines.at(-1)).toMatch(/IP Geolocation by DB-IP/);
  });

  it('says when enrichment is off', () => {
    expect(ipEnrichmentLines(new FileIpLocator({ cityDb: 'off', asnDb: 'off' }))).toEqual(['IP enrichment: off (ZOOMTRAIL_GEOIP_CITY_DB and ZOOMTRAIL_GEOIP_ASN_DB are off)']);
  });
});
