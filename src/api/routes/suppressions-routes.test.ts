import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RuleView, SuppressionList, SuppressionView } from '../api-types.js';
import { startRouteTestServer, type RouteTestServer } from '../route-test-server.test-support.js';
import { createSource, operation, storeRecords, TWO_FACTOR_OFF } from './route-seed.test-support.js';
import { rulesRoutes } from './rules-routes.js';
import { suppressionsRoutes } from './suppressions-routes.js';

const RULE = 'Zoom.Two.Factor.Authentication.Disabled';

describe('suppressions routes', () => {
  let t: RouteTestServer;
  beforeEach(async () => {
    t = await startRouteTestServer([
      { plugin: rulesRoutes, prefix: '/api' },
      { plugin: suppressionsRoutes, prefix: '/api' },
    ]);
  });
  afterEach(async () => t.close());

  const list = async (query = '') => (await t.server.inject({ method: 'GET', url: `/api/suppressions${query}` })).json<SuppressionList>().suppressions;

  it('creates a suppression (checked match expressions, who, until), holds back matches and counts them on it and on the rule, deletes it', async () => {
    const match = [{ Key: 'operator', Condition: 'Equals', Value: 'admin@example.com' }];
    const created = await t.server.inject({ method: 'POST', url: '/api/suppressions', payload: { ruleId: RULE, match, reason: 'planned change', until: '2026-04-01T00:00:00Z' } });
    expect(created.statusCode).toBe(201);
    const view = created.json<SuppressionView>();
    expect(view).toMatchObject({ ruleId: RULE, match, reason: 'planned change', createdBy: 'admin', until: '2026-04-01T00:00:00.000Z', suppressedCount: 0, active: true });

    const sourceId = await createSource(t.app);
    await storeRecords(t.app, sourceId, 'Zoom.Operation', [
      operation('2026-03-10T11:00:00Z', { operation_detail: TWO_FACTOR_OFF }),
      operation('2026-03-10T11:01:00Z', { operation_detail: TWO_FACTOR_OFF, operator: 'eve@example.com' }),
    ]);
    const { raised } = await t.context.pipeline.detector.drain();
    const [shown] = await list(`?ruleId=${RULE}`);
    // admin@example.com's is held back and counted; eve's alerts.
    expect([raised, shown!.suppressedCount]).toEqual([1, 1]);
    const rule = (await t.server.inject({ method: 'GET', url: `/api/rules/${RULE}` })).json<RuleView>();
    expect(rule.suppressions).toEqual({ count: 1, suppressedMatches: 1 });
    expect(await list('?ruleId=Zoom.PasscodeDisabled')).toEqual([]);

    expect((await t.server.inject({ method: 'DELETE', url: `/api/suppressions/${view.id}` })).statusCode).toBe(204);
    expect((await t.server.inject({ method: 'DELETE', url: `/api/suppressions/${view.id}` })).statusCode).toBe(404);
    expect(await list()).toEqual([]);
  });

  it('refuses an unknown rule, a bad match expression (with the fix), a past end', async () => {
    const post = (payload: Record<string, unknown>) => t.server.inject({ method: 'POST', url: '/api/suppressions', payload });
    const base = { ruleId: RULE, match: [{ Key: 'operator', Condition: 'Equals', Value: 'x' }], reason: 'r' };
    const unknown = await post({ ...base, ruleId: 'Zoom.Nope' });
    expect([unknown.statusCode, unknown.json<{ fields: { field: string }[] }>().fields[0]!.field]).toEqual([400, 'ruleId']);
    const bad = await post({ ...base, match: [{ Key: 'operator', Condition: 'Equal', Value: 'x' }] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ fix: string }>().fix).toContain('Equals');
    const past = await post({ ...base, until: '2026-03-01T00:00:00Z' });
    expect([past.statusCode, past.json<{ fields: { field: string }[] }>().fields[0]!.field]).toEqual([400, 'until']);
    expect((await post({ ...base, match: [] })).statusCode).toBe(400);
    expect(await list()).toEqual([]);
  });
});
