import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiError, Overview } from '../api-types.js';
import { startRouteTestServer, type RouteTestServer } from '../route-test-server.test-support.js';
import { overviewRoutes } from './overview-routes.js';
import { createSource, detect, operation, storeRecords, TWO_FACTOR_OFF } from './route-seed.test-support.js';

describe('overview route', () => {
  let t: RouteTestServer;

  beforeEach(async () => {
    t = await startRouteTestServer([{ plugin: overviewRoutes, prefix: '/api' }]);
    const sourceId = await createSource(t.app);
    await storeRecords(t.app, sourceId, 'Zoom.Operation', [
      operation('2026-03-10T08:10:00Z', { operation_detail: TWO_FACTOR_OFF, operator: 'Boss@example.com' }),
      operation('2026-03-10T08:20:00Z', { operation_detail: TWO_FACTOR_OFF, operator: 'boss@example.com' }),
      operation('2026-03-10T09:30:00Z', { operator: 'other@example.com' }),
    ]);
    await detect(t.app);
  });
  afterEach(async () => t.close());

  it('answers every aggregate for the range: series per bucket, open alerts, top operators and settings, sources with coverage', async () => {
    const res = await t.server.inject({ method: 'GET', url: '/api/overview?from=2026-03-10T06:00:00Z&to=2026-03-10T12:00:00Z' });
    expect(res.statusCode).toBe(200);
    const o = res.json<Overview>();
    expect(o.bucketMs).toBe(3_600_000);
    expect(o.buckets).toHaveLength(6);
    expect(o.buckets[0]).toBe('2026-03-10T06:00:00.000Z');
    const operations = o.events.find((e) => e.logType === 'Zoom.Operation')!;
    expect(operations.counts).toEqual([0, 0, 2, 1, 0, 0]);
    expect(operations.total).toBe(3);
    expect(o.openAlerts).toEqual([
      { ruleId: 'Zoom.Two.Factor.Authentication.Disabled', ruleDisplayName: expect.any(String) as string, severity: expect.any(String) as string, count: 2 },
    ]); // dedup by operator as written: two alerts
    expect(o.operations.read).toBe(3);
    expect(o.operations.sampled).toBe(false);
    expect(o.operations.topOperators).toEqual([
      { operator: 'boss@example.com', count: 2 },
      { operator: 'other@example.com', count: 1 },
    ]);
    expect(o.operations.topSettings[0]).toEqual({ name: 'Sign in with Two-Factor Authentication', count: 3 }); // the default detail is one too
    expect(o.sources).toHaveLength(1);
    expect(o.sources[0]!.coverage.map((c) => c.day)).toEqual(['2026-03-10']);
    expect(o.sinks).toEqual([]);
    // Alerts raised at the test clock's now (12:00), outside this range; a range holding it counts them.
    const later = (await t.server.inject({ method: 'GET', url: '/api/overview?from=2026-03-10T11:00:00Z&to=2026-03-10T13:00:00Z' })).json<Overview>();
    expect(later.alerts.reduce((n, s) => n + s.total, 0)).toBe(2);
  });

  it('refuses a backwards or too long range with 400', async () => {
    const backwards = await t.server.inject({ method: 'GET', url: '/api/overview?from=2026-03-10T12:00:00Z&to=2026-03-10T06:00:00Z' });
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json<ApiError>().fields?.[0]?.field).toBe('from');
    expect((await t.server.inject({ method: 'GET', url: '/api/overview?from=2020-01-01T00:00:00Z&to=2026-03-10T06:00:00Z' })).statusCode).toBe(400);
  });
});
