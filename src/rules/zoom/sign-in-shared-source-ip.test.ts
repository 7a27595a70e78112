import { describe, expect, it } from 'vitest';
import { describeRuleTests } from '../rule-test-helper.test-support.js';
import { isAllowListed, signInSharedSourceIpRule } from './sign-in-shared-source-ip.js';

describeRuleTests(signInSharedSourceIpRule);

describe('isAllowListed', () => {
  it('checks IPv4 and IPv6 ranges and single addresses', () => {
    const cidrs = ['198.51.100.0/24', '2001:db8::/32', '192.0.2.7'];
    expect(isAllowListed('198.51.100.200', cidrs)).toBe(true);
    expect(isAllowListed('198.51.101.1', cidrs)).toBe(false);
    expect(isAllowListed('2001:db8:1::5', cidrs)).toBe(true);
    expect(isAllowListed('2001:db9::5', cidrs)).toBe(false);
    expect(isAllowListed('192.0.2.7', cidrs)).toBe(true);
    expect(isAllowListed('192.0.2.8', cidrs)).toBe(false);
    expect(isAllowListed('not an ip', cidrs)).toBe(false);
  });
});
