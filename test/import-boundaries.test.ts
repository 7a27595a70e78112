import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The dependency rule between the folders of `src/` (ARCHITECTURE.md, "The
 * dependency rule"): a folder imports only from itself and from folders
 * before it in this list. `shared` and `domain` (pure values and functions
 * the stages share) come first, so every folder may import them; the stages
 * follow the data path, except that the collector, which drives the Zoom
 * client, the normalizer and the store, comes after all three.
 */
const LAYERS = ['shared', 'domain', 'config', 'zoom', 'zoom-sim', 'normalize', 'store', 'collect', 'detect', 'rules', 'alert', 'forward', 'health', 'app', 'api', 'cli'] as const;

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SRC = join(REPO, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

/** The folder of `src/` a path is in (`store` for src/store/migrations/x.ts), or undefined outside src/. */
function folderOf(path: string): string | undefined {
  const rel = relative(SRC, path);
  if (rel.startsWith('..') || !rel.includes(sep)) return undefined;
  return rel.split(sep)[0];
}

interface BoundaryViolation {
  file: string;
  specifier: string;
  /** `store -> alert`. */
  edge: string;
}

/** Imports (static, `export ... from`, dynamic `import()`) that break the rule; `text` replaces a file's contents (for the self-test). */
function boundaryViolations(files: readonly string[], text: (file: string) => string = (f) => readFileSync(f, 'utf8')): BoundaryViolation[] {
  const rank = new Map<string, number>(LAYERS.map((layer, index) => [layer, index]));
  const violations: BoundaryViolation[] = [];
  for (const file of files) {
    const from = folderOf(file);
    if (from === undefined) continue;
    const { importedFiles } = ts.preProcessFile(text(file), true, true);
    for (const { fileName: specifier } of importedFiles) {
      if (!specifier.startsWith('.')) continue;
      const to = folderOf(resolve(dirname(file), specifier));
      if (to === undefined || to === from) continue;
      const fromRank = rank.get(from);
      const toRank = rank.get(to);
      if (fromRank === undefined || toRank === undefined || toRank > fromRank) {
        violations.push({ file: relative(REPO, file), specifier, edge: `${from} -> ${to}` });
      }
    }
  }
  return violations;
}

describe('import boundaries (ARCHITECTURE.md, "The dependency rule")', () => {
  const files = sourceFiles(SRC);

  it('every folder of src/ has its place in the order', () => {
    const folders = readdirSync(SRC, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    expect(folders).toEqual([...LAYERS].sort());
  });

  it('ARCHITECTURE.md states the same order', () => {
    expect(readFileSync(join(REPO, 'ARCHITECTURE.md'), 'utf8')).toContain(LAYERS.join(' < '));
  });

  it('no folder imports from a folder after it', () => {
    expect(boundaryViolations(files)).toEqual([]);
  });

  it('catches a store module importing from src/alert/, statically or dynamically, and allows shared and domain', () => {
    const file = join(SRC, 'store', 'example.ts');
    const text = [
      "import { destinationWants } from '../domain/destination-filter.js';",
      "import type { Clock } from '../shared/clock.js';",
      "import type { DestinationSender } from '../alert/destination.js';",
      "export { DeliveryWorker } from '../alert/delivery-worker.js';",
      "const cli = await import('../cli/main.js');",
    ].join('\n');
    expect(boundaryViolations([file], () => text).map((v) => `${v.edge} ${v.specifier}`)).toEqual([
      'store -> alert ../alert/destination.js',
      'store -> alert ../alert/delivery-worker.js',
      'store -> cli ../cli/main.js',
    ]);
  });
});
