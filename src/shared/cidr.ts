import { isIP } from 'node:net';

/** `address` or `address/prefix`, IPv4 or IPv6; a bare address is a single host. */
export function parseCidr(entry: string): { address: string; prefix: number; family: 4 | 6 } | undefined {
  const [address = '', prefixText, ...rest] = entry.trim().split('/');
  const family = isIP(address);
  if ((family !== 4 && family !== 6) || rest.length > 0) return undefined;
  const max = family === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (prefixText !== undefined && (!/^\d{1,3}$/.test(prefixText) || prefix > max)) return undefined;
  return { address, prefix, family };
}
