// Loads a CommonJS file the way require() does, but compiled through `vm.Script` with V8's code cache: Node 20 keeps
// no compiled code between runs (Node 22's module.enableCompileCache does), so every start parsed and compiled the
// whole CLI bundle again, the largest part of a quick command's time after Node's own start (BENCHMARKS.md).
//
// The cache is `<file>.cache`: the SHA-256 of the file's bytes, then V8's data. It is used only for the exact bytes
// it was made from (V8 itself checks only the source's length, its own version and its flags), and (re)written when
// a run found none, or one V8 rejected (another Node version or other V8 flags), or one made from other bytes: after
// the run, so it holds the functions that run compiled. Writing is best effort (a read-only install runs without);
// a write goes to a temporary file renamed into place, so a concurrent run reads a whole cache or none. With
// `node --enable-source-maps` the file is require()d instead, uncached, so stack traces give the TypeScript lines.
'use strict';
const { createHash } = require('node:crypto');
const { readFileSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const path = require('node:path');
const vm = require('node:vm');

const DIGEST_BYTES = 32;

/**
 * Runs the CommonJS `file` (ASCII, as esbuild writes it) and returns its `module.exports`.
 * @param {string} file absolute path
 * @returns {Record<string, unknown>}
 */
function runCachedScript(file) {
  // Node maps stack traces through a source map (`node --enable-source-maps`) only for what its own loader loaded.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-return -- require() is typed `any`
  if (process.sourceMapsEnabled) return /** @type {Record<string, unknown>} */ (createRequire(file)(file));
  const bytes = readFileSync(file);
  const digest = createHash('sha256').update(bytes).digest();
  const cacheFile = `${file}.cache`;
  const cached = readCache(cacheFile, digest);
  // The same wrapper as Node's CommonJS loader, on the file's first line so its line numbers hold.
  const wrapper = `(function (exports, require, module, __filename, __dirname) { ${bytes.toString('latin1')}\n})`;
  const script = new vm.Script(wrapper, { filename: file, ...(cached ? { cachedData: cached } : {}) });
  // Code coverage (NODE_V8_COVERAGE) compiles with counters: not a cache for normal runs.
  if ((!cached || script.cachedDataRejected === true) && !process.env.NODE_V8_COVERAGE) {
    process.once('exit', () => writeCache(cacheFile, digest, script));
  }
  const module = { exports: {} };
  // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- runInThisContext() is typed `any`: the wrapper's function
  const run = /** @type {(...args: unknown[]) => void} */ (script.runInThisContext());
  run(module.exports, createRequire(file), module, file, path.dirname(file));
  return module.exports;
}

/**
 * The V8 data of `cacheFile` if it was made from the bytes whose digest is `digest`.
 * @param {string} cacheFile
 * @param {Buffer} digest
 * @returns {Buffer | undefined}
 */
function readCache(cacheFile, digest) {
  let data;
  try {
    data = readFileSync(cacheFile);
  } catch {
    return undefined;
  }
  return data.length > DIGEST_BYTES && data.subarray(0, DIGEST_BYTES).equals(digest) ? data.subarray(DIGEST_BYTES) : undefined;
}

/**
 * @param {string} cacheFile
 * @param {Buffer} digest
 * @param {vm.Script} script
 */
function writeCache(cacheFile, digest, script) {
  const temp = `${cacheFile}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, Buffer.concat([digest, script.createCachedData()]));
    renameSync(temp, cacheFile);
  } catch {
    rmSync(temp, { force: true });
  }
}

module.exports = { runCachedScript };
