import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { evaluateBatch, type DetectableEvent } from '../../detect/detector.js';
import { RuleGuard } from '../../detect/rule-guard.js';
import { runRuleTests } from '../../detect/rule-test-runner.js';
import { ManualClock, systemClock } from '../../shared/clock.js';
import { RULES } from '../rule-registry.js';
import { UserRuleSet } from './user-rule-set.js';
import { ADMIN_SETTING_YAML, JS_RULE, LOOP_RULE, TS_HELPER, TS_RULE } from './user-rule-fixtures.test-support.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'zoomtrail-rules-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const write = (name: string, text: string) => writeFile(path.join(dir, name), text);

function event(rowId: string, fields: Record<string, unknown>): DetectableEvent {
  return {
    rowId,
    sourceId: 's1',
    logType: 'Zoom.Operation',
    eventTimeMs: Date.parse('2026-03-10T12:00:00Z'),
    event: { time: '2026-03-10T12:00:00Z', operator: 'mallory@acme.example', ...fields },
  };
}

describe('the rules directory', () => {
  it('loads YAML, TypeScript and JavaScript rules next to the built-in ones; their tests pass', async () => {
    await write('admin-setting.yml', ADMIN_SETTING_YAML);
    await write('role-removed.ts', TS_RULE);
    await write('_helpers.ts', TS_HELPER);
    await write('group-deleted.mjs', JS_RULE);
    const set = new UserRuleSet({ dir });
    await set.load();
    expect(set.errors).toEqual([]);
    expect(set.userRules.map((r) => [r.rule.meta.id, path.basename(r.file)])).toEqual([
      ['Acme.Zoom.Security.Setting.Changed', 'admin-setting.yml'],
      ['Acme.Zoom.Group.Deleted', 'group-deleted.mjs'],
      ['Acme.Zoom.Role.Removed', 'role-removed.ts'],
    ]);
    expect(set.all().length).toBe(RULES.length + 3);
    expect(set.find('Acme.Zoom.Group.Deleted')!.meta).toMatchObject({ dedupPeriodMinutes: 60, threshold: 1, enabled: true });
    for (const { rule } of set.userRules) {
      const results = runRuleTests(rule);
      expect(
        results.filter((r) => !r.passed),
        rule.meta.id,
      ).toEqual([]);
      expect(results.length).toBeGreaterThan(0);
    }
    expect(set.digest).toMatch(/^[0-9a-f]{64}$/);
  });

  it('a missing directory is an empty rule set', async () => {
    const set = new UserRuleSet({ dir: path.join(dir, 'nope') });
    await set.load();
    expect(set.all()).toEqual(RULES);
    expect(set.errors).toEqual([]);
  });

  it('a broken file is a load error with file, line and fix; the other rules load', async () => {
    await write('good.yml', ADMIN_SETTING_YAML);
    await write('syntax.ts', TS_RULE.replace('rule: (e) =>', 'rule: (e) => {'));
    await write('shape.mjs', JS_RULE.replace("severity: 'INFO'", "severity: 'urgent'"));
    await write('empty.js', 'export const x = 1;\n');
    await write('throws.js', "throw new Error('boom');\n");
    await write('clash.yml', ADMIN_SETTING_YAML.replace('Acme.Zoom.Security.Setting.Changed', 'Zoom.PasscodeDisabled'));
    const set = new UserRuleSet({ dir });
    await set.load();
    expect(set.userRules.map((r) => r.rule.meta.id)).toEqual(['Acme.Zoom.Security.Setting.Changed']);
    const byFile = new Map(set.errors.map((e) => [path.basename(e.file), e]));
    expect([...byFile.keys()].sort()).toEqual(['clash.yml', 'empty.js', 'shape.mjs', 'syntax.ts', 'throws.js']);
    expect(byFile.get('syntax.ts')).toMatchObject({ line: expect.any(Number) });
    expect(byFile.get('syntax.ts')!.message).toMatch(/^does not compile/);
    expect(byFile.get('shape.mjs')).toMatchObject({ field: 'groupDeleted.meta.severity', line: 4 });
    expect(byFile.get('shape.mjs')!.fix).toContain('MEDIUM');
    expect(byFile.get('empty.js')!.fix).toContain('defineRule');
    expect(byFile.get('throws.js')!.message).toContain('boom');
    expect(byFile.get('clash.yml')!.message).toContain('already used by a built-in rule');
  });

  it('a module whose top level never returns is a load error, not a hang', async () => {
    await write('hang.js', 'while (true) {}\nexport default {};\n');
    const set = new UserRuleSet({ dir });
    await set.load();
    expect(set.errors[0]!.message).toContain('load budget');
  });

  it('reloads on change without restart: new, changed and removed files; a file that breaks leaves no half state', async () => {
    const set = new UserRuleSet({ dir });
    const clock = new ManualClock(0);
    await set.load();
    expect(set.userRules).toEqual([]);
    await write('a.yml', ADMIN_SETTING_YAML);
    const controller = new AbortController();
    const watching = set.watch(controller.signal, clock, 1000);
    await waitFor(() => set.userRules.length === 1);
    const before = set.digest;

    await write('a.yml', ADMIN_SETTING_YAML.replace('Severity: Medium', 'Severity: High'));
    expect(await set.load()).toBe(true);
    expect(set.userRules[0]!.rule.meta.severity).toBe('HIGH');
    expect(set.digest).not.toBe(before);
    expect(await set.load(), 'nothing changed: no reload').toBe(false);

    await write('a.yml', ADMIN_SETTING_YAML.replace('Condition: IEquals', 'Condition: Nope'));
    await set.load();
    expect(set.userRules).toEqual([]);
    expect(set.all()).toEqual(RULES);
    expect(set.errors).toHaveLength(1);

    await unlink(path.join(dir, 'a.yml'));
    await set.load();
    expect(set.errors).toEqual([]);
    controller.abort();
    await watching;
  });
});

describe('reload on a file change (fs.watch, debounced)', () => {
  it('a change in a real directory reloads within moments (no scan due for a minute), once per burst, logged with the reason; a broken file is a load error while the others reload', async () => {
    await write('a.yml', ADMIN_SETTING_YAML);
    const logs: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => logs.push((JSON.parse(line) as { msg: string }).msg) });
    const set = new UserRuleSet({ dir, logger });
    await set.load();
    logs.length = 0;
    const controller = new AbortController();
    const watching = set.watch(controller.signal, systemClock, 60_000, 100);
    try {
      // A burst of writes, as an editor saves: one reload after it settles.
      await write('b.mjs', JS_RULE);
      await write('b.mjs', JS_RULE);
      await write('a.yml', ADMIN_SETTING_YAML.replace('Severity: Medium', 'Severity: High'));
      await waitForReal(() => set.userRules.length === 2 && set.userRules.some((r) => r.rule.meta.severity === 'HIGH'));
      // Without the debounce each of the three writes would reload.
      const reloads = logs.filter((l) => l.startsWith('rules directory loaded (file change)')).length;
      expect(reloads).toBeGreaterThanOrEqual(1);
      expect(reloads).toBeLessThanOrEqual(2);

      await write('a.yml', ADMIN_SETTING_YAML.replace('Condition: IEquals', 'Condition: Nope'));
      await waitForReal(() => set.errors.length === 1);
      expect(
        set.userRules.map((r) => path.basename(r.file)),
        'the other file stays loaded',
      ).toEqual(['b.mjs']);
      expect(logs.some((l) => l.startsWith('rule load error:'))).toBe(true);
    } finally {
      controller.abort();
      await watching;
    }
  });
});

async function waitForReal(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!condition() && Date.now() - start < timeoutMs) await new Promise((resolve) => setTimeout(resolve, 20));
  expect(condition()).toBe(true);
}

describe('the time budget of user code', () => {
  it('an endless loop does not hold up detection: that rule is disabled with a rule error, the other rules still run on the batch', async () => {
    await write('loop.mjs', LOOP_RULE);
    await write('group-deleted.mjs', JS_RULE);
    const guard = new RuleGuard(200);
    const set = new UserRuleSet({ dir, guard });
    await set.load();
    expect(set.errors).toEqual([]);
    const byLogType = new Map([['Zoom.Operation' as const, set.all().filter((r) => r.meta.logTypes.includes('Zoom.Operation'))]]);
    const events = [
      event('r1', { category_type: 'User Group', action: 'Delete' }),
      event('r2', { category_type: 'User', action: 'Loop' }),
      event('r3', { category_type: 'Account', action: 'Update', operation_detail: 'Security  - Sign in with Two-Factor Authentication: from On to Off' }),
      event('r4', { category_type: 'User', action: 'Add' }),
    ];
    const { matches, errors } = guard.evaluate(byLogType, events, evaluateBatch);
    expect(errors.map((e) => [e.ruleId, e.functionName, e.rowId])).toEqual([['Acme.Loop', 'rule', 'r1']]);
    expect(errors[0]!.message).toContain('ran past its time budget of 200 ms');
    expect(guard.disabledReason('Acme.Loop')).toContain('disabled');
    const matched = matches.map((m) => `${m.ruleId} ${m.rowId}`).sort();
    expect(matched).toContain('Acme.Zoom.Group.Deleted r1');
    expect(matched).toContain('Zoom.Two.Factor.Authentication.Disabled r3');
    expect(
      matched.some((m) => m.startsWith('Acme.Loop')),
      'the disabled rule no longer runs, not even on events it would match',
    ).toBe(false);

    // Later batches skip it without a new error; a change to its file re-enables it.
    expect(guard.evaluate(byLogType, [event('r5', { action: 'Add' })], evaluateBatch).errors).toEqual([]);
    await write('loop.mjs', LOOP_RULE.replace('while (true) {}', 'return false;'));
    await set.load();
    expect(guard.disabledReason('Acme.Loop')).toBeUndefined();
  });

  it('a catastrophic regular expression is stopped the same way', async () => {
    await write('regex.mjs', LOOP_RULE.replace('while (true) {}', "return /^(a+)+$/.test('a'.repeat(40) + '!');"));
    const guard = new RuleGuard(200);
    const set = new UserRuleSet({ dir, guard });
    await set.load();
    const byLogType = new Map([['Zoom.Operation' as const, set.userRules.map((r) => r.rule)]]);
    const { errors } = guard.evaluate(byLogType, [event('r1', { action: 'Loop' })], evaluateBatch);
    expect(errors.map((e) => e.ruleId)).toEqual(['Acme.Loop']);
  });
});

/** Waits for `condition` (the watcher's scan reads files: real I/O, slower under load), up to 10 s. */
async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(condition()).toBe(true);
}
