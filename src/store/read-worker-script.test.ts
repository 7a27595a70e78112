import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readWorkerScript, ReadWorkerScriptError } from './read-worker-script.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'zoomtrail-worker-script-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** Writes `path` under the checkout root with the given modification time (seconds). */
function file(path: string, text: string, mtime: number): void {
  const full = join(root, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, text);
  utimesSync(full, mtime, mtime);
}

const fromSources = () => pathToFileURL(join(root, 'src/store/read-worker-script.ts')).href;
const fromDist = () => pathToFileURL(join(root, 'dist/store/read-worker-script.js')).href;
const error = (run: () => unknown) => {
  try {
    run();
  } catch (e) {
    return e;
  }
  throw new Error('expected readWorkerScript to throw');
};

/** A checkout: the worker's sources (compiled at time 2000) importing a sibling module and a shared one. */
function checkout(): void {
  file('src/store/sqlite-read-worker.ts', '', 1000);
  file('src/store/event-reader.ts', '', 1000);
  file('src/store/unrelated.ts', '', 1000);
  file('src/shared/clock.ts', '', 1000);
  file('dist/store/sqlite-read-worker.js', "import Database from 'better-sqlite3';\nimport { EventReader } from './event-reader.js';\n", 2000);
  file('dist/store/event-reader.js', "import { utcDay } from '../shared/clock.js';\n", 2000);
  file('dist/shared/clock.js', '', 2000);
}

describe('readWorkerScript', () => {
  it('runs compiled: the worker beside this module', () => {
    file('dist/store/sqlite-read-worker.js', '', 2000);
    expect(fileURLToPath(readWorkerScript('sqlite-read-worker.js', fromDist()))).toBe(join(root, 'dist/store/sqlite-read-worker.js'));
  });

  it('runs compiled without the worker: fails saying the package is incomplete', () => {
    expect(error(() => readWorkerScript('sqlite-read-worker.js', fromDist()))).toMatchObject({
      name: 'ReadWorkerScriptError',
      code: 'read_worker_missing',
      fix: expect.stringContaining('Reinstall') as string,
    });
  });

  it('runs from the TypeScript sources: the compiled worker in dist/ of the same checkout, when built after every source it runs', () => {
    checkout();
    expect(fileURLToPath(readWorkerScript('sqlite-read-worker.js', fromSources()))).toBe(join(root, 'dist/store/sqlite-read-worker.js'));
    // A source the worker does not run may be newer.
    file('src/store/unrelated.ts', 'changed', 3000);
    expect(fileURLToPath(readWorkerScript('sqlite-read-worker.js', fromSources()))).toBe(join(root, 'dist/store/sqlite-read-worker.js'));
  });

  it('runs from the sources without a build: fails saying to build, never falls back', () => {
    file('src/store/sqlite-read-worker.ts', '', 1000);
    const e = error(() => readWorkerScript('sqlite-read-worker.js', fromSources()));
    expect(e).toBeInstanceOf(ReadWorkerScriptError);
    expect(e).toMatchObject({
      code: 'read_worker_missing',
      message: expect.stringContaining(join(root, 'dist/store/sqlite-read-worker.js')) as string,
      fix: expect.stringContaining('npm run build') as string,
    });
  });

  it('runs from the sources with a module the worker runs changed since the build: fails naming it', () => {
    checkout();
    file('src/shared/clock.ts', 'changed', 3000);
    const e = error(() => readWorkerScript('sqlite-read-worker.js', fromSources()));
    expect(e).toMatchObject({
      code: 'read_worker_stale',
      message: expect.stringContaining(join(root, 'src/shared/clock.ts')) as string,
      fix: expect.stringContaining('npm run build') as string,
    });
  });

  it('in this checkout (the suite builds first): the compiled worker in dist/', () => {
    expect(fileURLToPath(readWorkerScript('sqlite-read-worker.js'))).toBe(fileURLToPath(new URL('../../dist/store/sqlite-read-worker.js', import.meta.url)));
  });
});
