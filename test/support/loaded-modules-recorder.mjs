// `node --import ./loaded-modules-recorder.mjs ...`: records every module the process loads into the
// file named by LOADED_MODULES_FILE, one per line: each ES module URL as it is resolved, and at exit
// every CommonJS file in require.cache (packages such as fastify and pg load their own files that way).
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';

const file = process.env.LOADED_MODULES_FILE;
if (!file) throw new Error('loaded-modules-recorder: set LOADED_MODULES_FILE');
register('./loaded-modules-hooks.mjs', import.meta.url, { data: { file } });
const require = createRequire(import.meta.url);
process.on('exit', () => {
  const files = Object.keys(require.cache);
  if (files.length > 0) appendFileSync(file, `${files.join('\n')}\n`);
});
