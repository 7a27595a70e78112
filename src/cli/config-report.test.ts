import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configReport, formatConfigReport } from './config-report.js';

const SECRET_KEY = 'c3'.repeat(32);
const CLIENT_SECRET = 'client-secret-do-not-show-9f8e7d';
const DB_PASSWORD = 'db-password-do-not-show-4c3b2a';
const SSL_PASSWORD = 'ssl-password-do-not-show-1a2b3c';

describe('zoomtrail config', () => {
  it('never shows a secret, in the table or in JSON, whichever source gave it', () => {
    const cwd = mkdtempSync(path.join(os.tmpdir(), 'zoomtrail-config-'));
    writeFileSync(path.join(cwd, 'zoomtrail.yml'), `databaseUrl: "postgres://zoomtrail:${DB_PASSWORD}@db.example.com:5432/zt?sslpassword=${SSL_PASSWORD}"\n`);
    const env = { ZOOMTRAIL_SECRET_KEY: SECRET_KEY, ZOOMTRAIL_CLIENT_SECRET: CLIENT_SECRET };
    for (const report of [configReport({ env, cwd }), configReport({ env: {}, cwd, flags: { clientSecret: CLIENT_SECRET } })]) {
      const outputs = [formatConfigReport(report), JSON.stringify(report)];
      for (const output of outputs) {
        for (const secret of [SECRET_KEY, CLIENT_SECRET, DB_PASSWORD, SSL_PASSWORD]) expect(output).not.toContain(secret);
      }
      const byKey = new Map(report.settings.map((s) => [s.key, s]));
      expect(byKey.get('databaseUrl')?.value).toBe('postgres://zoomtrail:***@db.example.com:5432/zt?sslpassword=***');
    }
    const shown = configReport({ env, cwd }).settings;
    expect(shown.find((s) => s.key === 'secretKey')).toMatchObject({ value: '(set, hidden)', source: 'env', from: 'ZOOMTRAIL_SECRET_KEY' });
    expect(shown.find((s) => s.key === 'clientSecret')).toMatchObject({ value: '(set, hidden)', source: 'env' });
  });

  it('prints each effective value with its source', () => {
    const cwd = mkdtempSync(path.join(os.tmpdir(), 'zoomtrail-config-'));
    const file = path.join(cwd, 'zoomtrail.yml');
    writeFileSync(file, 'logLevel: debug\n');
    const report = configReport({ env: { ZOOMTRAIL_PORT: '9090' }, cwd, flags: { dataDir: 'elsewhere' } });
    expect(report.configFile).toBe(file);
    const row = (key: string) => report.settings.find((s) => s.key === key);
    expect(row('dataDir')).toMatchObject({ value: path.join(cwd, 'elsewhere'), source: 'flag', from: '--data-dir' });
    expect(row('port')).toMatchObject({ value: 9090, source: 'env', from: 'ZOOMTRAIL_PORT' });
    expect(row('logLevel')).toMatchObject({ value: 'debug', source: 'file', from: `logLevel in ${file}` });
    expect(row('publicUrl')).toMatchObject({ value: 'http://localhost:9090', source: 'default' });
    expect(row('secretKey')).toMatchObject({ value: null, source: 'default' });
    const text = formatConfigReport(report);
    expect(text).toMatch(/^port +9090 +env +ZOOMTRAIL_PORT$/m);
    expect(text).toMatch(new RegExp(`^logLevel +debug +file \\(logLevel in ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\) +ZOOMTRAIL_LOG_LEVEL$`, 'm'));
    expect(text).toMatch(/^secretKey +\(unset\) +default +ZOOMTRAIL_SECRET_KEY$/m);
  });
});
