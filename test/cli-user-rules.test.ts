import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rowIdFor } from '../src/collect/row-identity.js';
import { loadNormalizers } from '../src/normalize/log-type-registry.js';
import { systemClock, utcDay } from '../src/shared/clock.js';
import { openSqliteStore } from '../src/store/sqlite-store.js';
import { sampleSource } from '../src/store/store-contract.test-support.js';
import type { EventRow } from '../src/store/store.js';
import { CLOCK_START, runCli } from './support/cli-child.js';
import { TEST_SECRET_KEY } from './support/collect-harness.js';

/**
 * The rules directory as a detection engineer uses it, through the built
 * CLI: `rules new` (TypeScript and YAML), `rules test` naming a failing test
 * and the difference, `rules list` with load errors, the three ways to name
 * the directory, and `rules backtest` over stored history writing nothing.
 */

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'zoomtrail-user-cli-'));
  tempDirs.push(dir);
  return dir;
}

describe('zoomtrail rules with a rules directory', { timeout: 90_000 }, () => {
  it('rules new writes TypeScript and YAML rules whose tests pass; a wrong expectation fails with the test name and the difference', async () => {
    const cwd = tempDir();
    const env = { ZOOMTRAIL_LOG_LEVEL: 'warn' };
    const ts = await runCli(['rules', 'new', 'Acme.Zoom.Role.Deleted'], env, { cwd });
    const yml = await runCli(['rules', 'new', 'Acme.Zoom.Role.Deleted.Yaml', '--yaml'], env, { cwd });
    expect([ts.code, yml.code]).toEqual([0, 0]);
    // Default directory: rules/ beside the data directory (./data -> ./rules).
    expect(ts.stdout.trim()).toBe(path.join(cwd, 'rules', 'acme-zoom-role-deleted.ts'));
    expect(yml.stdout.trim()).toBe(path.join(cwd, 'rules', 'acme-zoom-role-deleted-yaml.yml'));
    expect((await runCli(['rules', 'new', 'Acme.Zoom.Role.Deleted'], env, { cwd })).code, 'an id taken').toBe(2);

    const all = await runCli(['rules', 'test'], env, { cwd });
    expect(all.code).toBe(0);
    expect(all.stdout).toContain('PASS Acme.Zoom.Role.Deleted matches: a role is deleted\n');
    expect(all.stdout).toContain('PASS Acme.Zoom.Role.Deleted.Yaml does not match: a role is added\n');
    // Each scaffold: one test expecting a match, one expecting none, both passing.
    expect(all.stdout).toContain('PASS Acme.Zoom.Role.Deleted.Yaml matches: a role is deleted\n');
    expect(all.stdout).toContain('PASS Acme.Zoom.Role.Deleted does not match: a role is added\n');
    // Both can fail: a YAML rule that matches everything fails its no-match test.
    const ymlFile = path.join(cwd, 'rules', 'acme-zoom-role-deleted-yaml.yml');
    const ymlText = readFileSync(ymlFile, 'utf8');
    writeFileSync(ymlFile, ymlText.replace('    Condition: IEquals\n    Value: Delete', '    Condition: IsNotNullOrEmpty'));
    const broad = await runCli(['rules', 'test', '--id', 'Acme.Zoom.Role.Deleted.Yaml'], env, { cwd });
    expect(broad.code).toBe(1);
    expect(broad.stdout).toContain('FAIL Acme.Zoom.Role.Deleted.Yaml does not match: a role is added');
    writeFileSync(ymlFile, ymlText);
    expect(all.stdout).toContain('PASS Zoom.Two.Factor.Authentication.Disabled ');

    const file = path.join(cwd, 'rules', 'acme-zoom-role-deleted.ts');
    writeFileSync(file, readFileSync(file, 'utf8').replace("expectTitle: 'mallory@example.com deleted a role'", "expectTitle: 'mallory deleted a role'"));
    const one = await runCli(['rules', 'test', '--id', 'Acme.Zoom.Role.Deleted'], env, { cwd });
    expect(one.code).toBe(1);
    expect(one.stdout).toBe(
      'FAIL Acme.Zoom.Role.Deleted matches: a role is deleted: title "mallory@example.com deleted a role", expected "mallory deleted a role"\n' +
        'PASS Acme.Zoom.Role.Deleted does not match: a role is added\n' +
        '1 passed, 1 failed\n',
    );
  });

  it('--dir, --rules-dir and ZOOMTRAIL_RULES_DIR name the directory; a broken file is a load error in test and list, the other rules still load', async () => {
    const cwd = tempDir();
    const rulesDir = path.join(cwd, 'detections');
    mkdirSync(rulesDir);
    const env = { ZOOMTRAIL_LOG_LEVEL: 'warn', ZOOMTRAIL_DATA_DIR: path.join(cwd, 'data'), ZOOMTRAIL_SECRET_KEY: TEST_SECRET_KEY };
    expect((await runCli(['rules', 'new', 'Acme.Good', '--yaml', '--dir', rulesDir], env, { cwd })).code).toBe(0);
    writeFileSync(
      path.join(rulesDir, 'bad.yml'),
      'AnalysisType: rule\nRuleID: Acme.Bad\nEnabled: true\nLogTypes: [Zoom.Operation]\nSeverity: Severe\nDetection:\n  - Key: action\n    Condition: Equals\n    Value: Add\n',
    );

    const test = await runCli(['rules', 'test', '--dir', rulesDir], env, { cwd });
    expect(test.code).toBe(1);
    expect(test.stdout).toContain(`LOAD ERROR ${path.join(rulesDir, 'bad.yml')}:5 Severity: `);
    expect(test.stdout).toContain('PASS Acme.Good matches: a role is deleted');

    const viaFlag = await runCli(['rules', 'list', '--rules-dir', rulesDir], env, { cwd });
    const viaEnv = await runCli(['rules', 'list', '--format', 'ndjson'], { ...env, ZOOMTRAIL_RULES_DIR: rulesDir }, { cwd });
    expect(viaFlag.code).toBe(0);
    expect(viaFlag.stdout).toMatch(
      new RegExp(`^Acme\\.Good\\s+MEDIUM\\s+yes\\s+Zoom\\.Operation\\s+60\\s+1\\s+${path.join(rulesDir, 'acme-good.yml').replace(/[.]/g, '\\.')}\\s+A role was deleted$`, 'm'),
    );
    expect(viaFlag.stdout).toMatch(/^Zoom\.PasscodeDisabled\s+LOW\s+yes\s+.*built-in/m);
    expect(viaFlag.stdout).toContain(`LOAD ERROR ${path.join(rulesDir, 'bad.yml')}:5 Severity: `);
    expect(viaFlag.stdout).toContain('fix: one of INFO, LOW, MEDIUM, HIGH, CRITICAL');
    const lines = viaEnv.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.find((l) => l.id === 'Acme.Good')).toMatchObject({ source: path.join(rulesDir, 'acme-good.yml'), enabled: true });
    expect(lines.find((l) => 'loadError' in l)).toEqual({
      loadError: { file: path.join(rulesDir, 'bad.yml'), line: 5, field: 'Severity', message: expect.any(String), fix: expect.stringContaining('MEDIUM') },
    });

    // A user rule can be disabled like a built-in one.
    expect((await runCli(['rules', 'disable', 'Acme.Good', '--rules-dir', rulesDir], env, { cwd })).code).toBe(0);
    expect((await runCli(['rules', 'list', '--rules-dir', rulesDir], env, { cwd })).stdout).toMatch(/^Acme\.Good\s+MEDIUM\s+no\s/m);
  });

  it('rules backtest runs one rule (even a disabled one) over stored history, grouped with dedup and threshold, and writes nothing', async () => {
    const cwd = tempDir();
    const dataDir = path.join(cwd, 'data');
    const rulesDir = path.join(cwd, 'rules');
    mkdirSync(rulesDir);
    writeFileSync(
      path.join(rulesDir, 'deletes.yml'),
      `AnalysisType: rule
RuleID: Acme.Role.Deletes
Enabled: false
LogTypes: [Zoom.Operation]
Severity: High
DedupPeriodMinutes: 60
Threshold: 2
Detection:
  - Key: action
    Condition: Equals
    Value: Delete
AlertTitle: "{operator} deletes roles"
GroupBy:
  - Key: operator
`,
    );
    // Three deletes by mallory (>= threshold 2), one by eve (below it), within an hour.
    const store = await openSqliteStore({ dataDir, clock: systemClock, env: { ZOOMTRAIL_SECRET_KEY: TEST_SECRET_KEY } });
    try {
      const source = await store.createSource(sampleSource());
      const normalizer = loadNormalizers().get('Zoom.Operation')!;
      const raws = ['mallory', 'mallory', 'eve', 'mallory'].map((who, i) => ({
        time: `2026-03-09T10:0${i}:00Z`,
        operator: `${who}@acme.example`,
        category_type: 'Role',
        action: 'Delete',
        operation_detail: `Delete Role R${i}`,
      }));
      const rows: EventRow[] = raws.map((raw, i) => {
        const rowId = rowIdFor(source.id, 'Zoom.Operation', `b-${i}`, 0, Date.parse(raw.time));
        const result = normalizer.normalize(raw, { sourceId: source.id, sourceLabel: 'Test', rowId, parseTimeMs: Date.now() });
        if (!result.ok) throw new Error(result.problem.reason);
        const { event, eventTimeMs, emails, ipAddresses } = result.value;
        return { rowId, day: utcDay(eventTimeMs), eventTimeMs, emails, ipAddresses, event };
      });
      await store.commitPage({ sourceId: source.id, logType: 'Zoom.Operation', events: rows, failures: [], days: [], stream: {} });
    } finally {
      await store.close();
    }
    const env = { ZOOMTRAIL_LOG_LEVEL: 'warn', ZOOMTRAIL_DATA_DIR: dataDir, ZOOMTRAIL_SECRET_KEY: TEST_SECRET_KEY, ZOOMTRAIL_CLOCK_START: CLOCK_START };
    const out = await runCli(['rules', 'backtest', 'Acme.Role.Deletes', '--since', '30d', '--format', 'ndjson'], env, { cwd });
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout)).toMatchObject({
      rule_id: 'Acme.Role.Deletes',
      severity: 'HIGH',
      title: 'mallory@acme.example deletes roles',
      dedup: 'mallory@acme.example',
      first_event_time: '2026-03-09T10:00:00Z',
      last_event_time: '2026-03-09T10:03:00Z',
      event_count: 3,
    });
    expect(out.stderr).toMatch(/^backtest of Acme\.Role\.Deletes over 4 event\(s\) since 2026-02-08T12:00:\d\dZ: 1 alert\(s\)/);
    expect(out.stderr).toContain('threshold 2');
    const since = await runCli(['rules', 'backtest', 'Acme.Role.Deletes', '--since', '2026-03-09T10:02:00Z'], env, { cwd });
    expect(since.stdout).toBe('Acme.Role.Deletes would have raised no alerts.\n');

    const alerts = await runCli(['alerts', 'list', '--format', 'ndjson'], env, { cwd });
    expect(alerts.stdout, 'the backtest wrote no alert').toBe('');
  });

  it('rules suppress, suppressions and unsuppress: checked match expressions, reason, author, until', async () => {
    const cwd = tempDir();
    const env = { ZOOMTRAIL_LOG_LEVEL: 'warn', ZOOMTRAIL_DATA_DIR: path.join(cwd, 'data'), ZOOMTRAIL_SECRET_KEY: TEST_SECRET_KEY, ZOOMTRAIL_CLOCK_START: CLOCK_START };
    const bad = await runCli(['rules', 'suppress', 'Zoom.PasscodeDisabled', '--reason', 'x', '--when', '[{Key: operator, Condition: Equal, Value: a}]'], env, { cwd });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('did you mean Equals');
    expect((await runCli(['rules', 'suppress', 'Zoom.Nope', '--reason', 'x', '--operator', 'a@b.c'], env, { cwd })).code).toBe(2);
    const added = await runCli(
      ['rules', 'suppress', 'Zoom.PasscodeDisabled', '--reason', 'group clean-up', '--operator', 'ops@acme.example', '--until', '2026-04-01', '--by', 'dana'],
      env,
      { cwd },
    );
    expect(added.code).toBe(0);
    const id = added.stdout.trim();
    const list = await runCli(['rules', 'suppressions', '--format', 'ndjson'], env, { cwd });
    expect(JSON.parse(list.stdout)).toMatchObject({
      id,
      ruleId: 'Zoom.PasscodeDisabled',
      reason: 'group clean-up',
      createdBy: 'dana',
      untilMs: Date.parse('2026-04-01T00:00:00Z'),
      suppressedCount: 0,
    });
    expect((await runCli(['rules', 'unsuppress', id], env, { cwd })).code).toBe(0);
    expect((await runCli(['rules', 'suppressions'], env, { cwd })).stdout).toBe('No suppressions.\n');
  });

  it('rules tune and rules tuning: overrides with defaults beside them, who and when, "default" and --reset clear them, unknown destinations refused', async () => {
    const cwd = tempDir();
    const env = { ZOOMTRAIL_LOG_LEVEL: 'warn', ZOOMTRAIL_DATA_DIR: path.join(cwd, 'data'), ZOOMTRAIL_SECRET_KEY: TEST_SECRET_KEY, ZOOMTRAIL_CLOCK_START: CLOCK_START };
    const id = 'Zoom.PasscodeDisabled';
    expect((await runCli(['destination', 'add', '--name', 'pager', '--kind', 'log'], env, { cwd })).code).toBe(0);
    const unknown = await runCli(['rules', 'tune', id, '--destinations', 'nowhere'], env, { cwd });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('there is no destination "nowhere"');
    expect((await runCli(['rules', 'tune', id, '--severity', 'loud'], env, { cwd })).code).toBe(2);
    expect((await runCli(['rules', 'tune', id], env, { cwd })).code, 'nothing to change').toBe(2);

    const tuned = await runCli(['rules', 'tune', id, '--disable', '--severity', 'critical', '--threshold', '3', '--destinations', 'pager', '--by', 'dana'], env, { cwd });
    expect(tuned.code).toBe(0);
    const shown = JSON.parse((await runCli(['rules', 'tuning', id, '--format', 'json'], env, { cwd })).stdout) as {
      settings: { setting: string; default: unknown; override: unknown; effective: unknown }[];
      changed: { updatedBy: string } | null;
    };
    const bySetting = Object.fromEntries(shown.settings.map((r) => [r.setting, [r.default, r.override, r.effective]]));
    expect(bySetting.enabled).toEqual([true, false, false]);
    expect(bySetting.severity?.slice(1)).toEqual(['CRITICAL', 'CRITICAL']);
    expect(bySetting.threshold).toEqual([1, 3, 3]);
    expect(bySetting.destinations).toEqual([null, ['pager'], ['pager']]);
    expect(shown.changed?.updatedBy).toBe('dana');
    const list = (await runCli(['rules', 'list', '--format', 'ndjson'], env, { cwd })).stdout.split('\n').filter(Boolean);
    expect(list.map((l) => JSON.parse(l) as { id?: string; enabled?: boolean }).find((r) => r.id === id)?.enabled, 'rules list shows the tuned state').toBe(false);

    expect((await runCli(['rules', 'tune', id, '--threshold', 'default'], env, { cwd })).code).toBe(0);
    const table = (await runCli(['rules', 'tuning', id], env, { cwd })).stdout;
    expect(table).toMatch(/threshold\s+1\s+-\s+1/);
    expect((await runCli(['rules', 'tune', id, '--reset'], env, { cwd })).code).toBe(0);
    expect((await runCli(['rules', 'tuning', id], env, { cwd })).stdout).toContain('Not tuned: the rule runs with its own settings.');
  });

  it('rules tuning shows a history rule with its ZOOMTRAIL_HISTORY_* settings', async () => {
    const cwd = tempDir();
    const env = {
      ZOOMTRAIL_LOG_LEVEL: 'warn',
      ZOOMTRAIL_DATA_DIR: path.join(cwd, 'data'),
      ZOOMTRAIL_SECRET_KEY: TEST_SECRET_KEY,
      ZOOMTRAIL_HISTORY_NEW_COUNTRY_LOOKBACK_DAYS: '30',
    };
    const out = await runCli(['rules', 'tuning', 'Zoom.SignIn.NewCountry'], env, { cwd });
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('lookbackDays=30');
  });
});
