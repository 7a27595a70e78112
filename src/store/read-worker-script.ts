import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ActionableError } from '../shared/actionable-error.js';

/** The read workers' scripts: one per store, beside this module once compiled. */
export const READ_WORKER_FILES = ['sqlite-read-worker.js', 'postgres-read-worker.js'] as const;
export type ReadWorkerFile = (typeof READ_WORKER_FILES)[number];
const BUILD_FIX = 'Run `npm run build` (or only `npx tsc -p tsconfig.build.json`): tests running from the sources use the compiled worker; `npm test` builds first.';

/** The compiled read worker is missing, or older than the TypeScript it was compiled from. */
export class ReadWorkerScriptError extends ActionableError {
  override readonly name = 'ReadWorkerScriptError';
}

/**
 * The file a read worker thread runs (`workerFile`: the SQLite or the
 * PostgreSQL store's). Node 20 runs no TypeScript in a worker, so the worker is
 * always the compiled JavaScript:
 * - running compiled (dist/store/*.js, production): `workerFile` beside this
 *   module;
 * - running from the TypeScript sources (vitest: src/store/*.ts): the same
 *   checkout's `dist/store/<workerFile>`, built by `npm run build`
 *   (the test suite's global setup runs it). It must be at least as new as the
 *   sources of every module it loads, so a test never runs yesterday's reader.
 * Never falls back: a missing or stale worker throws ReadWorkerScriptError
 * saying to build.
 */
export function readWorkerScript(workerFile: ReadWorkerFile, moduleUrl: string = import.meta.url): URL {
  const here = fileURLToPath(moduleUrl);
  if (!here.endsWith('.ts')) {
    const file = join(dirname(here), workerFile);
    if (!existsSync(file)) throw missing(file, 'Reinstall Zoomtrail (or run `npm run build` in a checkout): the package is incomplete.');
    return pathToFileURL(file);
  }
  const srcRoot = resolve(dirname(here), '..');
  const distRoot = resolve(srcRoot, '..', 'dist');
  const file = join(distRoot, relative(srcRoot, dirname(here)), workerFile);
  if (!existsSync(file)) throw missing(file, BUILD_FIX);
  const stale = newerSource(file, srcRoot, distRoot);
  if (stale) {
    throw new ReadWorkerScriptError('read_worker_stale', `The compiled read worker (${file}) is older than ${stale}, one of the sources it runs.`, BUILD_FIX);
  }
  return pathToFileURL(file);
}

function missing(file: string, fix: string): ReadWorkerScriptError {
  return new ReadWorkerScriptError('read_worker_missing', `The read worker ${file} does not exist.`, fix);
}

/** The first source (.ts) newer than its compiled module, over the compiled worker's relative imports; undefined when all are current. */
function newerSource(workerFile: string, srcRoot: string, distRoot: string): string | undefined {
  const seen = new Set<string>();
  const queue = [workerFile];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    const source = join(srcRoot, relative(distRoot, file)).replace(/\.js$/, '.ts');
    if (!existsSync(file)) return source;
    if (existsSync(source) && statSync(source).mtimeMs > statSync(file).mtimeMs) return source;
    for (const match of readFileSync(file, 'utf8').matchAll(/\bfrom\s*['"](\.{1,2}\/[^'"]+\.js)['"]/g)) queue.push(resolve(dirname(file), match[1]!));
  }
  return undefined;
}
