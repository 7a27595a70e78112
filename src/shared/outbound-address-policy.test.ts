import { describe, expect, it } from 'vitest';
import { createOutboundAddressPolicy, embeddedIpv4, isLoopbackHost } from './outbound-address-policy.js';

const policy = createOutboundAddressPolicy();

describe('outbound address policy: refused by default', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['0.0.0.0', 'this network'],
    ['0.1.2.3', 'this network'],
    ['::', 'unspecified'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.254', 'private'],
    ['192.168.1.1', 'private'],
    ['fd00::1', 'private'],
    ['fc00::1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['100.127.255.254', 'carrier-grade NAT'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['240.0.0.1', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['192.0.2.1', 'reserved'],
    ['2001:db8::1', 'reserved'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['64:ff9b::10.0.0.1', 'private'],
    ['2002:7f00:1::', 'loopback'],
    ['2002:c0a8:101::1', 'private'],
    ['::127.0.0.1', 'loopback'],
  ])('%s is refused as %s', (address, what) => {
    const refusal = policy.refusalForAddress(address);
    expect(refusal).toContain(what);
    expect(refusal).toContain('ZOOMTRAIL_ALLOWED_NETWORKS');
  });

  it.each(['8.8.8.8', '170.114.52.2', '100.63.255.255', '100.128.0.1', '172.32.0.1', '2606:4700::1111', '::ffff:8.8.8.8', '64:ff9b::808:808', '2002:808:808::1'])(
    '%s is public and allowed',
    (address) => {
      expect(policy.refusalForAddress(address)).toBeNull();
    },
  );

  it('judges an IPv6 address embedding an IPv4 one by the address it embeds', () => {
    expect(embeddedIpv4('::ffff:7f00:1')).toBe('127.0.0.1');
    expect(embeddedIpv4('64:ff9b::a9fe:a9fe')).toBe('169.254.169.254');
    expect(embeddedIpv4('2002:a00:1::')).toBe('10.0.0.1');
    expect(embeddedIpv4('2606:4700::1111')).toBeUndefined();
    expect(policy.refusalForAddress('2002:a00:1::')).toMatch(/embeds 10\.0\.0\.1 is a private address/);
  });
});

describe('outbound address policy: URLs as WHATWG URL normalizes them', () => {
  it.each([
    'http://127.0.0.1/',
    'http://[::1]:8080/',
    'https://[::ffff:127.0.0.1]/',
    'https://[::ffff:7f00:1]/',
    'https://2130706433/',
    'https://0x7f.1/',
    'https://0x7f000001/',
    'https://017700000001/',
    'https://127.1/',
    'https://0/',
    'https://169.254.169.254/latest/meta-data/',
    'https://[fe80::1]/',
    'https://[64:ff9b::7f00:1]/',
    'https://[2002:7f00:1::]/',
    'https://10.0.0.5:8443/hook',
    'https://localhost/',
    'https://LOCALHOST./',
    'https://api.localhost/',
    'https://%31%32%37.0.0.1/',
    'https://127.0.0.1.',
  ])('%s is refused', (url) => {
    expect(policy.refusalForUrl(url)).not.toBeNull();
  });

  it('leaves a public address and a host name (judged when resolved) alone, and any non-http URL', () => {
    expect(policy.refusalForUrl('https://api.zoom.us/v2')).toBeNull();
    expect(policy.refusalForUrl('https://8.8.8.8/')).toBeNull();
    expect(policy.refusalForUrl('https://localhost.example.com/')).toBeNull();
    expect(policy.refusalForUrl('ftp://127.0.0.1/')).toBeNull();
    expect(policy.refusalForUrl('not a url')).toBeNull();
  });

  it('names the address in the refusal, never the path (a Slack URL is a secret)', () => {
    const refusal = policy.refusalForUrl('https://2130706433/services/T0/B0/secret-token');
    expect(refusal).toMatch(/^127\.0\.0\.1 is a loopback address/);
    expect(refusal).not.toContain('secret-token');
  });
});

describe('outbound address policy: ZOOMTRAIL_ALLOWED_NETWORKS', () => {
  const allowing = createOutboundAddressPolicy({ allowedNetworks: ['127.0.0.0/8', '10.20.0.0/16', 'fd12::/16'] });

  it('allows the addresses of the networks it names, and only those', () => {
    expect(allowing.refusalForAddress('127.0.0.1')).toBeNull();
    expect(allowing.refusalForAddress('10.20.3.4')).toBeNull();
    expect(allowing.refusalForAddress('fd12::7')).toBeNull();
    expect(allowing.refusalForAddress('10.21.0.1')).toContain('private');
    expect(allowing.refusalForAddress('169.254.169.254')).toContain('link-local');
    expect(allowing.refusalForAddress('::1')).toContain('loopback');
  });

  it('applies to the embedded forms and the loopback names too', () => {
    expect(allowing.refusalForUrl('https://[::ffff:127.0.0.1]/')).toBeNull();
    expect(allowing.refusalForUrl('https://2130706433/')).toBeNull();
    expect(allowing.refusalForUrl('http://localhost:9900/')).toBeNull();
    expect(allowing.refusalForUrl('https://[::ffff:a15:1]/')).toContain('private');
  });

  it('allows an exact origin on an address (start --demo), and nothing else on that address', () => {
    const demo = createOutboundAddressPolicy({ allowedOrigins: ['http://127.0.0.1:9900'] });
    expect(demo.refusalForUrl('http://127.0.0.1:9900/v2')).toBeNull();
    expect(demo.refusalForUrl('http://127.0.0.1:9901/v2')).toContain('loopback');
    expect(demo.refusalForUrl('https://127.0.0.1:9900/v2')).toContain('loopback');
  });
});

describe('isLoopbackHost', () => {
  it('knows the loopback addresses and names, in URL form', () => {
    for (const host of ['127.0.0.1', '127.9.9.9', '[::1]', '[::ffff:7f00:1]', 'localhost', 'a.localhost']) expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ['10.0.0.1', '[fe80::1]', 'example.com', 'localhost.example.com', '[::ffff:a00:1]']) expect(isLoopbackHost(host), host).toBe(false);
  });
});
