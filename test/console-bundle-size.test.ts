import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const LIMIT = 150 * 1024;

// The console's first page (index.html's entry script and stylesheets, gzipped) stays under 150 kB:
// the charts (uPlot) and the world map load lazily, with their pages.
describe('console bundle', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'zoomtrail-web-'));
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('entry chunk + index css gzipped < 150 kB, without the chart library', async () => {
    // As `npm run build` does: vitest sets NODE_ENV=test, which would bundle React's development build.
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await build({ configFile: join(root, 'web/vite.config.ts'), mode: 'production', logLevel: 'silent', build: { outDir, emptyOutDir: true } });
    } finally {
      process.env.NODE_ENV = nodeEnv;
    }
    const html = readFileSync(join(outDir, 'index.html'), 'utf8');
    const assets = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
    expect(assets.some((a) => a.endsWith('.js'))).toBe(true);
    let total = 0;
    for (const asset of assets) {
      const body = readFileSync(join(outDir, asset));
      total += gzipSync(body, { level: 9 }).length;
      if (asset.endsWith('.js')) expect(body.toString('utf8'), `${asset} holds uPlot`).not.toContain('u-legend');
    }
    expect(total, `first page: ${assets.join(', ')} = ${total} bytes gzipped`).toBeLessThan(LIMIT);
  }, 240_000);
});
