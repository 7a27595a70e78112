import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RuleErrorView, RuleView } from '../api-types.js';
import { startRouteTestServer, type RouteTestServer } from '../route-test-server.test-support.js';
import { createSource, detect, operation, storeRecords, TWO_FACTOR_OFF } from './route-seed.test-support.js';
import { rulesRoutes } from './rules-routes.js';
import { healthRoutes } from './health-routes.js';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BacktestResult, HealthView, RuleList } from '../api-types.js';
import { ADMIN_SETTING_YAML, LOOP_RULE } from '../../rules/user/user-rule-fixtures.test-support.js';

const TWO_FACTOR_RULE = 'Zoom.Two.Factor.Authentication.Disabled';

describe('rules routes', () => {
  let t: RouteTestServer;
  beforeEach(async () => {
    t = await startRouteTestServer([{ plugin: rulesRoutes, prefix: '/api' }]);
  });
  afterEach(async () => t.close());

  const rules = async () => t.server.inject({ method: 'GET', url: '/api/rules' }).then((r) => r.json<{ rules: RuleView[] }>().rules);

  it('lists the 19 rules with metadata, enabled state, passing tests and alerts of the last 7 days', async () => {
    const sourceId = await createSource(t.app);
    await storeRecords(t.app, sourceId, 'Zoom.Operation', [operation('2026-03-10T11:00:00Z', { operation_detail: TWO_FACTOR_OFF })]);
    expect((await detect(t.app)).raised).toBe(1);

    const list = await rules();
    expect(list).toHaveLength(20);
    // History rules show their settings and learning state; others have none.
    expect(list.find((r) => r.id === 'Zoom.SignIn.NewCountry')!.history).toMatchObject({
      settings: { lookbackDays: 90, learningDays: 14 },
      learningUntil: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
    });
    expect(list.find((r) => r.id === 'Zoom.SignIn.ImpossibleTravel')!.history).toEqual({ settings: { maxSpeedKmh: 1000 }, learning: false, learningUntil: null });
    expect(twoFactorHistory(list)).toBeUndefined();
    for (const rule of list) {
      expect(rule.tests.failed, rule.id).toBe(0);
      expect(rule.tests.passed, rule.id).toBeGreaterThan(0);
      expect(rule.tests.results.every((r) => r.passed && r.problems.length === 0)).toBe(true);
      expect(rule.enabled).toBe(rule.defaultEnabled);
    }
    const twoFactor = list.find((r) => r.id === TWO_FACTOR_RULE)!;
    expect(twoFactor).toMatchObject({ logTypes: ['Zoom.Operation'], alertsLast7Days: 1 });
    expect(twoFactor.displayName).not.toBe('');
    expect(list.filter((r) => r.id !== TWO_FACTOR_RULE).every((r) => r.alertsLast7Days === 0)).toBe(true);

    t.clock.advance(8 * 86_400_000);
    expect((await rules()).find((r) => r.id === TWO_FACTOR_RULE)!.alertsLast7Days).toBe(0);
  });

  const twoFactorHistory = (list: Awaited<ReturnType<typeof rules>>) => list.find((r) => r.id === TWO_FACTOR_RULE)!.history;

  it('disables and enables a rule', async () => {
    const off = await t.server.inject({ method: 'PATCH', url: `/api/rules/${TWO_FACTOR_RULE}`, payload: { enabled: false } });
    expect(off.statusCode).toBe(200);
    expect(off.json()).toMatchObject({ id: TWO_FACTOR_RULE, enabled: false, defaultEnabled: true });
    expect((await rules()).find((r) => r.id === TWO_FACTOR_RULE)!.enabled).toBe(false);
    expect((await t.app.store.ruleEnabledOverrides()).get(TWO_FACTOR_RULE)).toBe(false);

    const on = await t.server.inject({ method: 'PATCH', url: `/api/rules/${TWO_FACTOR_RULE}`, payload: { enabled: true } });
    expect(on.json()).toMatchObject({ enabled: true });
    expect((await rules()).find((r) => r.id === TWO_FACTOR_RULE)!.enabled).toBe(true);
  });

  it('answers 404 for an unknown rule and 400 for a bad body', async () => {
    const unknown = await t.server.inject({ method: 'PATCH', url: '/api/rules/Zoom.Nope', payload: { enabled: false } });
    expect(unknown.statusCode).toBe(404);
    expect((await t.server.inject({ method: 'PATCH', url: `/api/rules/${TWO_FACTOR_RULE}`, payload: {} })).statusCode, 'nothing to change').toBe(400);
    for (const [payload, field] of [
      [{ enabled: 'maybe' }, 'enabled'],
      [{ severity: 'LOUD' }, 'severity'],
      [{ threshold: 0 }, 'threshold'],
      [{ dedupPeriodMinutes: 1.5 }, 'dedupPeriodMinutes'],
      [{ destinations: ['nowhere'] }, 'destinations'],
    ] as const) {
      const bad = await t.server.inject({ method: 'PATCH', url: `/api/rules/${TWO_FACTOR_RULE}`, payload });
      expect(bad.statusCode, JSON.stringify(payload)).toBe(400);
      expect(bad.json<{ fields: { field: string }[] }>().fields[0]!.field).toBe(field);
    }
  });

  it('tunes a rule: values in effect beside the defaults, who and when; null clears one override, DELETE clears all', async () => {
    await t.app.store.createDestination({ name: 'pager', kind: 'log', settings: {}, enabled: true, secret: null });
    const tuned = await t.server.inject({
      method: 'PATCH',
      url: `/api/rules/${TWO_FACTOR_RULE}`,
      payload: { severity: 'LOW', dedupPeriodMinutes: 5, threshold: 3, destinations: ['pager'] },
    });
    expect(tuned.statusCode).toBe(200);
    const view = tuned.json<RuleView>();
    expect(view).toMatchObject({ severity: 'LOW', dedupPeriodMinutes: 5, threshold: 3, enabled: true, destinations: ['pager'] });
    expect(view.defaults).toEqual({ enabled: true, severity: 'MEDIUM', dedupPeriodMinutes: 60, threshold: 1 });
    expect(view.tuning).toEqual({
      enabled: null,
      severity: 'LOW',
      dedupPeriodMinutes: 5,
      threshold: 3,
      destinations: ['pager'],
      updatedBy: 'admin',
      updatedAt: '2026-03-10T12:00:00.000Z',
    });
    expect((await t.server.inject({ method: 'GET', url: `/api/rules/${TWO_FACTOR_RULE}` })).json<RuleView>().threshold).toBe(3);

    const cleared = (await t.server.inject({ method: 'PATCH', url: `/api/rules/${TWO_FACTOR_RULE}`, payload: { threshold: null } })).json<RuleView>();
    expect([cleared.threshold, cleared.tuning?.threshold, cleared.severity]).toEqual([1, null, 'LOW']);
    const reset = await t.server.inject({ method: 'DELETE', url: `/api/rules/${TWO_FACTOR_RULE}/tuning` });
    expect(reset.json<RuleView>()).toMatchObject({ severity: 'MEDIUM', dedupPeriodMinutes: 60, destinations: null, tuning: null });
    expect((await t.server.inject({ method: 'GET', url: '/api/rules/Zoom.Nope' })).statusCode).toBe(404);
  });

  it('backtests one rule over stored events since a time, with its tuning, writing nothing', async () => {
    const sourceId = await createSource(t.app);
    await storeRecords(t.app, sourceId, 'Zoom.Operation', [
      operation('2026-03-10T11:00:00Z', { operation_detail: TWO_FACTOR_OFF }),
      operation('2026-03-10T11:05:00Z', { operation_detail: TWO_FACTOR_OFF }),
      operation('2026-02-01T11:00:00Z', { operation_detail: TWO_FACTOR_OFF }),
    ]);
    const run = async (since: string) => (await t.server.inject({ method: 'GET', url: `/api/rules/${TWO_FACTOR_RULE}/backtest?since=${since}` })).json<BacktestResult>();
    const month = await run('30d');
    expect(month).toMatchObject({ ruleId: TWO_FACTOR_RULE, since: '2026-02-08T12:00:00.000Z', events: 2, threshold: 1 });
    expect(month.alerts.map((a) => [a.eventCount, a.firstEventAt])).toEqual([[2, '2026-03-10T11:00:00.000Z']]);
    expect((await run('2026-01-01')).events).toBe(3);
    expect(await t.app.store.countAlerts({}), 'a backtest writes no alert').toBe(0);
    await t.app.store.tuneRule(TWO_FACTOR_RULE, { threshold: 3 }, 'admin');
    expect((await run('30d')).alerts, 'grouped with the tuned threshold').toEqual([]);
    expect((await t.server.inject({ method: 'GET', url: `/api/rules/${TWO_FACTOR_RULE}/backtest?since=soon` })).statusCode).toBe(400);
    expect((await t.server.inject({ method: 'GET', url: `/api/rules/${TWO_FACTOR_RULE}/backtest?since=900d` })).statusCode).toBe(400);
  });

  it('lists rule errors with the total, filtered by rule', async () => {
    const sourceId = await createSource(t.app);
    const rows = await storeRecords(t.app, sourceId, 'Zoom.Operation', [operation('2026-03-10T11:00:00Z'), operation('2026-03-10T11:01:00Z')]);
    await t.app.store.commitDetection({
      rowIds: rows.map((r) => r.rowId),
      matches: [],
      errors: rows.map((r, i) => ({
        ruleId: i === 0 ? TWO_FACTOR_RULE : 'Zoom.PasscodeDisabled',
        rowId: r.rowId,
        sourceId,
        logType: 'Zoom.Operation' as const,
        functionName: 'title',
        message: 'boom',
      })),
    });
    const all = (await t.server.inject({ method: 'GET', url: '/api/rule-errors' })).json<{ errors: RuleErrorView[]; total: number }>();
    expect(all.total).toBe(2);
    expect(all.errors[0]).toMatchObject({ functionName: 'title', message: 'boom', sourceId, at: '2026-03-10T12:00:00.000Z' });
    const one = (await t.server.inject({ method: 'GET', url: `/api/rule-errors?ruleId=${TWO_FACTOR_RULE}&limit=1` })).json<{ errors: RuleErrorView[]; total: number }>();
    expect(one).toMatchObject({ total: 1, errors: [{ ruleId: TWO_FACTOR_RULE, rowId: rows[0]!.rowId }] });
    expect((await t.server.inject({ method: 'GET', url: '/api/rule-errors?limit=5000' })).statusCode).toBe(400);
  });
});

describe('rules routes with a rules directory', () => {
  let t: RouteTestServer;
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'zoomtrail-api-rules-'));
    await writeFile(path.join(dir, 'setting.yml'), ADMIN_SETTING_YAML);
    await writeFile(path.join(dir, 'loop.mjs'), LOOP_RULE);
    await writeFile(
      path.join(dir, 'broken.yml'),
      ADMIN_SETTING_YAML.replace('RuleID: Acme.Zoom.Security.Setting.Changed', 'RuleID: Acme.Other').replace('Condition: IEquals', 'Condition: Equal'),
    );
    t = await startRouteTestServer(
      [
        { plugin: rulesRoutes, prefix: '/api' },
        { plugin: healthRoutes, prefix: '/api' },
      ],
      { rulesDir: dir },
    );
  });
  afterEach(async () => {
    await t.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('lists user rules with their file and test results, and the load errors with file, line, field and fix; health shows them too', async () => {
    const list = await t.server.inject({ method: 'GET', url: '/api/rules' }).then((r) => r.json<RuleList>());
    const user = list.rules.find((r) => r.id === 'Acme.Zoom.Security.Setting.Changed')!;
    expect(user).toMatchObject({ source: path.join(dir, 'setting.yml'), disabledReason: null, severity: 'MEDIUM', tests: { passed: 2, failed: 0 } });
    expect(list.rules.find((r) => r.id === TWO_FACTOR_RULE)!.source).toBe('built-in');
    expect(list.directory).toMatchObject({ dir, userRules: 2, digest: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(list.directory.loadErrors).toEqual([
      { file: path.join(dir, 'broken.yml'), line: 17, field: 'Detection[0].Condition', message: 'unknown Condition "Equal"', fix: expect.stringContaining('did you mean Equals') },
    ]);
    const health = await t.server.inject({ method: 'GET', url: '/api/health' }).then((r) => r.json<HealthView>());
    expect(health.rules).toEqual(list.directory);
    expect(health.ruleSets).toEqual({ instances: [], mismatch: false });
  });

  it("health shows the live instances' rule-set digests, and a mismatch with what to do", async () => {
    await t.app.store.reportRuleSet({ owner: 'a/1/x', digest: t.context.pipeline.rules.digest, userRules: 2, loadErrors: 1 });
    await t.app.store.reportRuleSet({ owner: 'b/2/y', digest: 'f'.repeat(64), userRules: 1, loadErrors: 0 });
    const health = await t.server.inject({ method: 'GET', url: '/api/health' }).then((r) => r.json<HealthView>());
    expect(health.ruleSets.instances.map((i) => [i.owner, i.seenAt])).toEqual([
      ['a/1/x', '2026-03-10T12:00:00.000Z'],
      ['b/2/y', '2026-03-10T12:00:00.000Z'],
    ]);
    expect(health.ruleSets.mismatch).toBe(true);
    expect(health.ruleSets.fix).toContain('zoomtrail rules reload');
  });

  it("shows a user rule's file read-only; a built-in rule has none", async () => {
    const source = await t.server.inject({ method: 'GET', url: '/api/rules/Acme.Zoom.Security.Setting.Changed/source' });
    expect(source.json()).toEqual({ file: path.join(dir, 'setting.yml'), language: 'yaml', text: ADMIN_SETTING_YAML });
    expect((await t.server.inject({ method: 'GET', url: `/api/rules/${TWO_FACTOR_RULE}/source` })).statusCode).toBe(404);
  });

  it('a user rule stopped by the time budget shows why', async () => {
    const sourceId = await createSource(t.app);
    await storeRecords(t.app, sourceId, 'Zoom.Operation', [operation('2026-03-10T11:00:00Z', { action: 'Loop' })]);
    const guard = t.context.pipeline.rules.guard;
    expect(guard.budgetMs).toBeGreaterThan(0);
    await t.context.pipeline.detector.drain();
    const loop = (await rules()).find((r) => r.id === 'Acme.Loop')!;
    expect(loop.disabledReason).toContain('time budget');
  });

  const rules = async () => t.server.inject({ method: 'GET', url: '/api/rules' }).then((r) => r.json<{ rules: RuleView[] }>().rules);
});
