import { randomBytes } from 'node:crypto';

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
const ID_CHARS = 10;

/** A new source id: `src_` and 10 random lower-case base32 characters (50 bits), e.g. `src_k3xq7amv2p`. */
export function newSourceId(): string {
  const bytes = randomBytes(ID_CHARS);
  let id = 'src_';
  // 256 is a multiple of 32, so the low 5 bits of a random byte are uniform.
  for (const byte of bytes) id += BASE32[byte & 31];
  return id;
}
