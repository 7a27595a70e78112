/**
 * An IP address as its bytes: 4 for IPv4, 16 for IPv6 (a `%zone` suffix is
 * ignored). For text `node:net` isIP accepts; `undefined` otherwise.
 */
export function ipBytes(text: string): Uint8Array | undefined {
  const zone = text.indexOf('%');
  const ip = zone < 0 ? text : text.slice(0, zone);
  return ip.includes(':') ? ipv6Bytes(ip) : ipv4Bytes(ip, new Uint8Array(4), 0);
}

function ipv4Bytes(text: string, out: Uint8Array, at: number): Uint8Array | undefined {
  let part = 0;
  let value = 0;
  let digits = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 46; /* . */
    if (c === 46) {
      if (digits === 0 || value > 255 || part > 3) return undefined;
      out[at + part++] = value;
      value = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57 && digits < 3) {
      value = value * 10 + (c - 48);
      digits++;
    } else return undefined;
  }
  return part === 4 ? out : undefined;
}

function ipv6Bytes(text: string): Uint8Array | undefined {
  const out = new Uint8Array(16);
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (half: string): string[] => (half === '' ? [] : half.split(':'));
  const head = groups(halves[0] as string);
  const tail = halves.length === 2 ? groups(halves[1] as string) : [];
  // An embedded IPv4 address (::ffff:1.2.3.4) is the last two groups.
  const last = (halves.length === 2 ? tail : head).at(-1);
  const embedded = last !== undefined && last.includes('.');
  const words: number[] = [];
  const push = (list: string[], withEmbedded: boolean): boolean => {
    for (let i = 0; i < list.length; i++) {
      const group = list[i] as string;
      if (withEmbedded && i === list.length - 1) {
        const v4 = ipv4Bytes(group, new Uint8Array(4), 0);
        if (!v4) return false;
        words.push(((v4[0] as number) << 8) | (v4[1] as number), ((v4[2] as number) << 8) | (v4[3] as number));
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return false;
        words.push(parseInt(group, 16));
      }
    }
    return true;
  };
  if (!push(head, embedded && halves.length === 1)) return undefined;
  const headWords = words.length;
  if (!push(tail, embedded && halves.length === 2)) return undefined;
  const tailWords = words.length - headWords;
  if (halves.length === 1 ? words.length !== 8 : words.length > 7) return undefined;
  const zeros = 8 - headWords - tailWords;
  const all = [...words.slice(0, headWords), ...new Array<number>(zeros).fill(0), ...words.slice(headWords)];
  for (let i = 0; i < 8; i++) {
    out[i * 2] = (all[i] as number) >> 8;
    out[i * 2 + 1] = (all[i] as number) & 0xff;
  }
  return out;
}

/** The IPv4 address inside an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`), else undefined. */
export function mappedIpv4(bytes: Uint8Array): Uint8Array | undefined {
  if (bytes.length !== 16) return undefined;
  for (let i = 0; i < 10; i++) if (bytes[i] !== 0) return undefined;
  if (bytes[10] !== 0xff || bytes[11] !== 0xff) return undefined;
  return bytes.slice(12);
}
