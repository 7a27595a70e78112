import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ActionableError } from '../shared/actionable-error.js';
import { loadSettings } from './load-settings.js';
import { SETTINGS } from './setting-definitions.js';

/** A directory holding `zoomtrail.yml` with `yaml` (read as the default config file). */
function dirWithConfig(yaml: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'zoomtrail-config-'));
  writeFileSync(path.join(dir, 'zoomtrail.yml'), yaml);
  return dir;
}

const EMPTY_DIR = '/nonexistent-zoomtrail-test';

describe('loadSettings', () => {
  it('takes each value from the flag, else the environment, else the config file, else the default, and says which', () => {
    const cwd = dirWithConfig('port: 9003\nlogLevel: debug\nleaseTtlMs: "120000"\n');
    const file = path.join(cwd, 'zoomtrail.yml');
    const env = { ZOOMTRAIL_PORT: '9002', ZOOMTRAIL_LOG_LEVEL: 'warn' };

    const all = loadSettings({ flags: { port: 9001 }, env, cwd });
    expect(all.values.port).toBe(9001);
    expect(all.origins.port).toEqual({ source: 'flag', name: '--port' });
    expect(all.values.logLevel).toBe('warn');
    expect(all.origins.logLevel).toEqual({ source: 'env', name: 'ZOOMTRAIL_LOG_LEVEL' });
    expect(all.values.leaseTtlMs).toBe(120_000);
    expect(all.origins.leaseTtlMs).toEqual({ source: 'file', name: `leaseTtlMs in ${file}` });
    expect(all.values.maxConcurrentSources).toBe(4);
    expect(all.origins.maxConcurrentSources).toEqual({ source: 'default', name: 'default' });
    expect(all.configFile).toBe(file);

    const noFlag = loadSettings({ env, cwd });
    expect([noFlag.values.port, noFlag.origins.port.source]).toEqual([9002, 'env']);
    const noEnv = loadSettings({ env: {}, cwd });
    expect([noEnv.values.port, noEnv.origins.port.source]).toEqual([9003, 'file']);
    expect([noEnv.values.logLevel, noEnv.origins.logLevel.source]).toEqual(['debug', 'file']);
    const nothing = loadSettings({ env: {}, cwd: EMPTY_DIR });
    expect([nothing.values.port, nothing.origins.port.source]).toEqual([8080, 'default']);
    expect(nothing.values.dataDir).toBe(path.join(EMPTY_DIR, 'data'));
    expect(nothing.configFile).toBeUndefined();
  });

  it('--config beats ZOOMTRAIL_CONFIG, which beats ./zoomtrail.yml', () => {
    const cwd = dirWithConfig('port: 1001\n');
    const viaEnv = dirWithConfig('port: 1002\n');
    const viaFlag = dirWithConfig('port: 1003\n');
    const env = { ZOOMTRAIL_CONFIG: path.join(viaEnv, 'zoomtrail.yml') };
    expect(loadSettings({ env: {}, cwd }).values.port).toBe(1001);
    expect(loadSettings({ env, cwd }).values.port).toBe(1002);
    const flagged = loadSettings({ flags: { config: path.join(viaFlag, 'zoomtrail.yml') }, env, cwd });
    expect(flagged.values.port).toBe(1003);
    expect(flagged.origins.config.source).toBe('flag');
  });

  it('an empty variable counts as unset', () => {
    const settings = loadSettings({ env: { ZOOMTRAIL_PORT: '', DATABASE_URL: '', ZOOMTRAIL_LEASE_TTL_MS: ' ' }, cwd: EMPTY_DIR });
    expect(settings.values.port).toBe(8080);
    expect(settings.values.databaseUrl).toBeUndefined();
    expect(settings.origins.leaseTtlMs.source).toBe('default');
  });

  it('a bad value is an ActionableError naming where it came from, with a fix naming every way to set it', () => {
    const fromEnv = catchError(() => loadSettings({ env: { ZOOMTRAIL_LEASE_TTL_MS: '5' }, cwd: EMPTY_DIR }));
    expect(fromEnv.code).toBe('bad_config');
    expect(fromEnv.message).toBe('ZOOMTRAIL_LEASE_TTL_MS "5" is not a whole number from 1000 to 3600000.');
    expect(fromEnv.fix).toBe('Set ZOOMTRAIL_LEASE_TTL_MS or leaseTtlMs in the config file to a number from 1000 to 3600000 (this value came from ZOOMTRAIL_LEASE_TTL_MS).');

    const cwd = dirWithConfig('port: 70000\n');
    const fromFile = catchError(() => loadSettings({ env: {}, cwd }));
    expect(fromFile.message).toBe('Port "70000" is not a TCP port.');
    expect(fromFile.fix).toBe(
      `Set ZOOMTRAIL_PORT, port in the config file or --port to a number from 0 to 65535 (this value came from port in ${path.join(cwd, 'zoomtrail.yml')}).`,
    );

    const level = catchError(() => loadSettings({ env: { ZOOMTRAIL_LOG_LEVEL: 'loud' }, cwd: EMPTY_DIR }));
    expect(level.message).toMatch(/^Log level "loud" is not one of fatal, .*, silent\.$/);
    expect(level.fix).toMatch(/^Set ZOOMTRAIL_LOG_LEVEL or logLevel in the config file to one of fatal, /);

    const margin = catchError(() => loadSettings({ env: { ZOOMTRAIL_COMPLETENESS_MARGIN_DAYS: '365' }, cwd: EMPTY_DIR }));
    expect(margin.message).toMatch(/ZOOMTRAIL_COMPLETENESS_MARGIN_DAYS "365" is not a whole number from 1 to 90/);

    const typed = catchError(() => loadSettings({ env: {}, cwd: dirWithConfig('publicUrl: 42\n') }));
    expect(typed.message).toMatch(/Setting "publicUrl" in .* must be text/);
  });

  it('reads a retention per log type: unset by default (kept forever), whole days from 1, with a fix that says how to keep everything', () => {
    const nothing = loadSettings({ env: {}, cwd: EMPTY_DIR });
    expect([nothing.values.retentionActivityDays, nothing.values.retentionOperationDays]).toEqual([undefined, undefined]);
    const cwd = dirWithConfig('retentionOperationDays: 365\n');
    const set = loadSettings({ env: { ZOOMTRAIL_RETENTION_ACTIVITY_DAYS: '30' }, cwd });
    expect([set.values.retentionActivityDays, set.values.retentionOperationDays]).toEqual([30, 365]);
    expect(set.origins.retentionOperationDays).toEqual({ source: 'file', name: `retentionOperationDays in ${path.join(cwd, 'zoomtrail.yml')}` });

    for (const bad of ['0', '-3', '7.5', 'a week', '36501']) {
      const error = catchError(() => loadSettings({ env: { ZOOMTRAIL_RETENTION_ACTIVITY_DAYS: bad }, cwd: EMPTY_DIR }));
      expect(error.code).toBe('bad_config');
      expect(error.message).toBe(`ZOOMTRAIL_RETENTION_ACTIVITY_DAYS "${bad}" is not a whole number of days from 1 to 36500.`);
      expect(error.fix).toBe(
        'Set ZOOMTRAIL_RETENTION_ACTIVITY_DAYS or retentionActivityDays in the config file to a whole number of days from 1 to 36500 (e.g. 90), ' +
          'or unset it to keep Zoom.Activity events forever (this value came from ZOOMTRAIL_RETENTION_ACTIVITY_DAYS).',
      );
    }
  });

  it('refuses an unknown key in the config file, listing the known ones', () => {
    const error = catchError(() => loadSettings({ env: {}, cwd: dirWithConfig('logLevl: debug\n') }));
    expect(error.message).toMatch(/Unknown setting "logLevl"/);
    expect(error.fix).toBe(`Known settings: ${SETTINGS.flatMap((s) => (s.file ? [s.file] : [])).join(', ')}.`);
  });

  it('returns a frozen result with every setting in it', () => {
    const settings = loadSettings({ env: {}, cwd: EMPTY_DIR });
    expect(Object.isFrozen(settings.values)).toBe(true);
    expect(Object.isFrozen(settings.origins)).toBe(true);
    expect(Object.keys(settings.origins).sort()).toEqual(SETTINGS.map((s) => s.key).sort());
    expect(() => ((settings.values as { port: number }).port = 1)).toThrow(TypeError);
  });

  it('defines each variable, file key and flag once', () => {
    for (const field of ['env', 'file', 'key'] as const) {
      const names = SETTINGS.flatMap((s) => (s[field] ? [s[field]] : []));
      expect(new Set(names).size, field).toBe(names.length);
    }
  });
});

function catchError(run: () => unknown): ActionableError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ActionableError);
    return error as ActionableError;
  }
  throw new Error('expected an ActionableError');
}
