// Loads a CommonJS file the way require() does, but compiled through `vm.Script` with V8's code cache: Node 20 keeps
// no compiled code between runs (Node 22's module.enableCompileCache does), so every start parsed and compiled the
// whole CLI bundle again, the largest part of a quick command's time after Node's own start (BENCHMARKS.md).
//
// The file ends with a line the build writes (scripts/bundle-cli.mjs):
//   //cached-script stamp=<digest of the bytes before it> keys=<name,name,...>
// A run takes one cache: `<file>.<key>.cache` for the first of `words` (the command line) that is one of the keys,
// else `<file>.cache`. So each command runs with the functions it compiled itself (a cache holds what compiled in the
// run that wrote it: one made by `--help` lacked most of what `rules list` runs, ~10 ms of CPU compiling it again).
// A cache begins with a line naming the bytes it was made from: the file's size, modification time and stamp; it is
// used only when all three still hold (V8 itself checks only the source's length, its own version and its flags).
// No digest of the file at run time: loading node:crypto and hashing the ~1.5 MB took ~4 ms of CPU every start. The
// stamp tells builds apart (a copy that kept an old modification time), the time tells edits after the build apart.
// A cache is (re)written after a run that found none, or one V8 rejected (another Node version or other V8 flags), or
// one made from other bytes: after the run, so it holds the functions that ran compiled; but not when the file was
// modified within MTIME_SETTLE_MS of the run's start (a later edit in the same tick of the file system's clock would
// keep the time: git's "racily clean" files). Writing is best effort (a read-only install runs without); a write goes
// to a temporary file renamed into place, so a concurrent run reads a whole cache or none. With
// `node --enable-source-maps` the file is require()d instead, uncached, so stack traces give the TypeScript lines.
'use strict';
const { closeSync, fstatSync, openSync, readFileSync, readSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const path = require('node:path');
const vm = require('node:vm');

/** A file modified less than this before a run is run without writing a cache (coarse file system clocks). */
const MTIME_SETTLE_MS = 2000;
const BUILD_LINE = /\n\/\/cached-script stamp=(\w+) keys=([\w,-]*)\n?$/;

/**
 * Runs the CommonJS `file` (ASCII, as esbuild writes it) and returns its `module.exports`.
 * @param {string} file absolute path
 * @param {readonly string[]} [words] the command line: its first word that is a key of the file picks the cache
 * @returns {Record<string, unknown>}
 */
function runCachedScript(file, words = []) {
  // Node maps stack traces through a source map (`node --enable-source-maps`) only for what its own loader loaded.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-return -- require() is typed `any`
  if (process.sourceMapsEnabled) return /** @type {Record<string, unknown>} */ (createRequire(file)(file));
  const { bytes, size, mtimeMs } = readWithStat(file);
  const build = BUILD_LINE.exec(bytes.toString('latin1', Math.max(0, bytes.length - 4096)));
  const keys = build ? build[2].split(',') : [];
  const key = words.find((word) => keys.includes(word));
  const cacheFile = key === undefined ? `${file}.cache` : `${file}.${key}.cache`;
  // Without the build's line (a file not built by scripts/bundle-cli.mjs) no cache is trusted.
  const header = build ? `${size} ${mtimeMs} ${build[1]}\n` : undefined;
  const cached = header === undefined ? undefined : readCache(cacheFile, header);
  // The same wrapper as Node's CommonJS loader, on the file's first line so its line numbers hold.
  const wrapper = `(function (exports, require, module, __filename, __dirname) { ${bytes.toString('latin1')}\n})`;
  const script = new vm.Script(wrapper, { filename: file, ...(cached ? { cachedData: cached } : {}) });
  // Code coverage (NODE_V8_COVERAGE) compiles with counters: not a cache for normal runs.
  const settled = Date.now() - mtimeMs >= MTIME_SETTLE_MS;
  if (header !== undefined && settled && (!cached || script.cachedDataRejected === true) && !process.env.NODE_V8_COVERAGE) {
    process.once('exit', () => writeCache(cacheFile, header, script));
  }
  const module = { exports: {} };
  // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- runInThisContext() is typed `any`: the wrapper's function
  const run = /** @type {(...args: unknown[]) => void} */ (script.runInThisContext());
  run(module.exports, createRequire(file), module, file, path.dirname(file));
  return module.exports;
}

/**
 * The file's bytes, with its size and modification time from the same open file.
 * @param {string} file
 * @returns {{ bytes: Buffer, size: number, mtimeMs: number }}
 */
function readWithStat(file) {
  const fd = openSync(file, 'r');
  try {
    const { size, mtimeMs } = fstatSync(fd);
    const bytes = Buffer.allocUnsafe(size);
    let read = 0;
    while (read < size) {
      const n = readSync(fd, bytes, read, size - read, read);
      if (n === 0) break;
      read += n;
    }
    return { bytes: bytes.subarray(0, read), size: read, mtimeMs };
  } finally {
    closeSync(fd);
  }
}

/**
 * The V8 data of `cacheFile` if it was made from the bytes `header` names.
 * @param {string} cacheFile
 * @param {string} header
 * @returns {Buffer | undefined}
 */
function readCache(cacheFile, header) {
  let data;
  try {
    data = readFileSync(cacheFile);
  } catch {
    return undefined;
  }
  const length = Buffer.byteLength(header, 'latin1');
  return data.length > length && data.toString('latin1', 0, length) === header ? data.subarray(length) : undefined;
}

/**
 * @param {string} cacheFile
 * @param {string} header
 * @param {vm.Script} script
 */
function writeCache(cacheFile, header, script) {
  const temp = `${cacheFile}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, Buffer.concat([Buffer.from(header, 'latin1'), script.createCachedData()]));
    renameSync(temp, cacheFile);
  } catch {
    rmSync(temp, { force: true });
  }
}

module.exports = { runCachedScript };
