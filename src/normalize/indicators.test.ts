import { describe, expect, it } from 'vitest';
import { finishIndicatorValues, hostOfUrl, indicatorExtractor, indicatorFields, normalizeDomain, normalizeEmail, normalizeIp, normalizeUsername } from './indicators.js';

describe('normalizeEmail', () => {
  it.each<[string, string | undefined]>([
    ['alice@example.com', 'alice@example.com'],
    ['Alice@Example.COM', 'alice@example.com'],
    ['  bob@example.com \t', 'bob@example.com'],
    ['first.last+tag@sub.example.co.uk', 'first.last+tag@sub.example.co.uk'],
    ['no-at-sign', undefined],
    ['@example.com', undefined],
    ['alice@', undefined],
    ['a@b@c', undefined],
    ['alice smith@example.com', undefined],
    ['', undefined],
    ['   ', undefined],
  ])('%j -> %j', (raw, expected) => {
    expect(normalizeEmail(raw)).toBe(expected);
  });
});

describe('normalizeIp', () => {
  it.each<[string, string | undefined]>([
    ['198.51.100.7', '198.51.100.7'],
    [' 198.51.100.7\n', '198.51.100.7'],
    ['0.0.0.0', '0.0.0.0'],
    ['2001:DB8::1', '2001:db8::1'],
    ['  2001:db8:0:0:0:0:0:1 ', '2001:db8:0:0:0:0:0:1'],
    ['::FFFF:198.51.100.7', '::ffff:198.51.100.7'],
    ['FE80::1%Eth0', 'fe80::1%Eth0'],
    ['198.51.100.256', undefined],
    ['198.51.100', undefined],
    ['01.2.3.4', undefined],
    ['198.51.100.7:443', undefined],
    ['2001:db8::g', undefined],
    ['localhost', undefined],
    ['unknown', undefined],
    ['', undefined],
  ])('%j -> %j', (raw, expected) => {
    expect(normalizeIp(raw)).toBe(expected);
  });
});

describe('normalizeUsername and normalizeDomain', () => {
  it.each<[string, string | undefined]>([
    [' Alice ', 'Alice'],
    ['', undefined],
    ['  ', undefined],
  ])('username %j -> %j', (raw, expected) => {
    expect(normalizeUsername(raw)).toBe(expected);
  });
  it.each<[string, string | undefined]>([
    ['Example.COM', 'example.com'],
    [' zoom.us. ', 'zoom.us'],
    ['has space.com', undefined],
    ['example.com/path', undefined],
    ['a@example.com', undefined],
    ['', undefined],
    ['.', undefined],
  ])('domain %j -> %j', (raw, expected) => {
    expect(normalizeDomain(raw)).toBe(expected);
  });
});

describe('hostOfUrl', () => {
  it.each<[string, ReturnType<typeof hostOfUrl>]>([
    ['https://Marketplace.Zoom.US/docs?x=1', { kind: 'domain', host: 'marketplace.zoom.us' }],
    [' http://example.com./a ', { kind: 'domain', host: 'example.com' }],
    ['http://198.51.100.7:8080/', { kind: 'ip', host: '198.51.100.7' }],
    ['http://[2001:DB8::1]/x', { kind: 'ip', host: '2001:db8::1' }],
    ['mailto:alice@example.com', undefined],
    ['file:///etc/passwd', undefined],
    ['not a url', undefined],
    ['example.com', undefined],
  ])('%j -> %j', (raw, expected) => {
    expect(hostOfUrl(raw)).toEqual(expected);
  });
});

describe('indicatorExtractor', () => {
  const run = (name: string, raw: string): [string, string][] => {
    const found: [string, string][] = [];
    indicatorExtractor(name)(raw, (field, value) => found.push([field, value]));
    return found;
  };
  it.each<[string, string, [string, string][]]>([
    ['email', 'Alice@Example.com ', [['p_any_emails', 'alice@example.com']]],
    ['email', 'not an email', []],
    ['ip', ' 2001:DB8::1', [['p_any_ip_addresses', '2001:db8::1']]],
    ['ip', '999.1.1.1', []],
    ['username', ' jdoe ', [['p_any_usernames', 'jdoe']]],
    ['domain', 'Zoom.US', [['p_any_domain_names', 'zoom.us']]],
    ['url', 'https://zoom.us/j/1', [['p_any_domain_names', 'zoom.us']]],
    ['url', 'https://198.51.100.7/', [['p_any_ip_addresses', '198.51.100.7']]],
    ['hostname', ' web-1 ', [['p_any_hostnames', 'web-1']]],
    ['sha256', '', []],
  ])('%s %j', (name, raw, expected) => {
    expect(run(name, raw)).toEqual(expected);
  });
  it('names the p_any fields each indicator fills', () => {
    expect(indicatorFields('email')).toEqual(['p_any_emails']);
    expect(indicatorFields('ip')).toEqual(['p_any_ip_addresses']);
    expect(indicatorFields('username')).toEqual(['p_any_usernames']);
    expect(indicatorFields('domain')).toEqual(['p_any_domain_names']);
    expect(indicatorFields('url')).toEqual(['p_any_domain_names', 'p_any_ip_addresses']);
    expect(indicatorFields('mac')).toEqual(['p_any_macs']);
  });
  it('refuses an indicator name that would make a bad field name', () => {
    expect(() => indicatorExtractor('Bad-Name')).toThrow('invalid indicator name "Bad-Name"');
  });
});

describe('finishIndicatorValues', () => {
  it.each<[string[], string[]]>([
    [[], []],
    [['b'], ['b']],
    [
      ['b', 'a', 'b', 'c', 'a'],
      ['a', 'b', 'c'],
    ],
    [
      ['10.0.0.2', '10.0.0.10', '10.0.0.2'],
      ['10.0.0.10', '10.0.0.2'],
    ],
  ])('%j -> %j', (input, expected) => {
    const result = finishIndicatorValues(input);
    expect(result).toEqual(expected);
    expect(result).toBe(input);
  });
});
