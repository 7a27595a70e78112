import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runCli } from './support/cli-child.js';

const SECRET_KEY = 'd4'.repeat(32);
const CLIENT_SECRET = 'cli-client-secret-not-shown-5e6f';
const DB_PASSWORD = 'cli-db-password-not-shown-7a8b';

describe('zoomtrail config (the built CLI)', () => {
  it('prints the effective settings with their sources, no secret in any output', async () => {
    const cwd = mkdtempSync(path.join(os.tmpdir(), 'zoomtrail-config-cli-'));
    writeFileSync(path.join(cwd, 'zoomtrail.yml'), 'port: 9123\n');
    const env = { ZOOMTRAIL_SECRET_KEY: SECRET_KEY, ZOOMTRAIL_CLIENT_SECRET: CLIENT_SECRET, DATABASE_URL: `postgres://zt:${DB_PASSWORD}@db:5432/zt` };
    for (const args of [['config'], ['config', '--json']]) {
      const out = await runCli([...args, '--data-dir', 'here'], env, { cwd });
      expect(out.code, out.stderr).toBe(0);
      for (const secret of [SECRET_KEY, CLIENT_SECRET, DB_PASSWORD]) expect(out.stdout + out.stderr).not.toContain(secret);
    }
    const json = JSON.parse((await runCli(['config', '--json', '--data-dir', 'here'], env, { cwd })).stdout) as { settings: { key: string; value: unknown; source: string }[] };
    const row = (key: string) => json.settings.find((s) => s.key === key);
    expect(row('port')).toMatchObject({ value: 9123, source: 'file' });
    expect(row('dataDir')).toMatchObject({ value: path.join(cwd, 'here'), source: 'flag' });
    expect(row('secretKey')).toMatchObject({ value: '(set, hidden)', source: 'env' });
  }, 60_000);

  it('a bad setting exits 2 with the fix', async () => {
    const out = await runCli(['config'], { ZOOMTRAIL_MAX_CONCURRENT_SOURCES: '0' });
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/^error: ZOOMTRAIL_MAX_CONCURRENT_SOURCES "0" is not a whole number from 1 to 1000\.$/m);
    expect(out.stderr).toMatch(
      /^fix: Set ZOOMTRAIL_MAX_CONCURRENT_SOURCES or maxConcurrentSources in the config file to a number from 1 to 1000 \(this value came from ZOOMTRAIL_MAX_CONCURRENT_SOURCES\)\.$/m,
    );
  }, 60_000);

  it('loads neither Fastify, pg, argon2, SQLite nor pino to run', async () => {
    // A module hook reports every heavy package resolved while the command's modules load.
    const hook = `export async function resolve(s, c, next) { const r = await next(s, c); if (/node_modules\\/(fastify|pg|@node-rs|better-sqlite3|kysely|pino)\\//.test(r.url)) process.stderr.write('HEAVY ' + r.url + '\\n'); return r; }`;
    const register = `import { register } from 'node:module'; register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hook)}));`;
    const modules = ['config-command.js', 'config-report.js'].map((m) => new URL(`../dist/cli/${m}`, import.meta.url).href);
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [
      '--import',
      `data:text/javascript,${encodeURIComponent(register)}`,
      '--input-type=module',
      '-e',
      `${modules.map((m) => `await import(${JSON.stringify(m)});`).join(' ')} console.log('loaded');`,
    ]);
    expect(stdout).toBe('loaded\n');
    expect(stderr).toBe('');
  }, 60_000);
});
