import { createHash, timingSafeEqual } from 'node:crypto';

/** RFC 7636 check of a code_verifier against the challenge given at authorize. */
export function verifyPkce(challenge: string, method: 'S256' | 'plain', verifier: string | undefined): boolean {
  if (verifier === undefined || !/^[A-Za-z0-9\-._~]{43,128}$/.test(verifier)) return false;
  const expected = method === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
  const a = Buffer.from(expected);
  const b = Buffer.from(challenge);
  return a.length === b.length && timingSafeEqual(a, b);
}
