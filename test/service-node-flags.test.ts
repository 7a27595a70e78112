import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { collectorNodeFlags } from '../bench/collection-bench.js';
import { SERVICE_NODE_FLAGS } from '../src/shared/service-node-flags.js';

describe('the service heap flags', () => {
  it('are the ones `npm start` runs the service with (what the rss bench measures)', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.start).toBe(`node ${SERVICE_NODE_FLAGS.join(' ')} bin/zoomtrail.js start`);
  });

  it("are the rss bench collector's only flags: no --expose-gc (forced GCs change RSS) unless heap snapshots are asked for", () => {
    expect(collectorNodeFlags(false)).toEqual([...SERVICE_NODE_FLAGS]);
    expect(collectorNodeFlags(true)).toEqual(['--expose-gc', ...SERVICE_NODE_FLAGS]);
  });
});
