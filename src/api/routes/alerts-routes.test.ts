import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Detector } from '../../detect/detector.js';
import { RULES } from '../../rules/rule-registry.js';
import type { AlertDetail, AlertPage, AlertView, ApiError } from '../api-types.js';
import { startRouteTestServer, type RouteTestServer } from '../route-test-server.test-support.js';
import { alertsRoutes } from './alerts-routes.js';
import { createSource, detect, operation, storeRecords, TWO_FACTOR_OFF } from './route-seed.test-support.js';

const TWO_FACTOR_RULE = 'Zoom.Two.Factor.Authentication.Disabled';

describe('alerts routes', () => {
  let t: RouteTestServer;
  let alertId: string;
  let sourceId: string;

  beforeEach(async () => {
    t = await startRouteTestServer([{ plugin: alertsRoutes, prefix: '/api' }]);
    await t.app.store.createDestination({ name: 'audit log', kind: 'log', settings: {}, enabled: true, secret: null });
    sourceId = await createSource(t.app);
    await storeRecords(t.app, sourceId, 'Zoom.Operation', [
      operation('2026-03-10T11:00:00Z', { operation_detail: TWO_FACTOR_OFF }),
      operation('2026-03-10T11:02:00Z', { operation_detail: TWO_FACTOR_OFF, operator: 'admin@example.com', action: 'Update', category_type: 'Account' }),
      operation('2026-03-10T11:05:00Z'),
    ]);
    expect((await detect(t.app)).raised).toBe(1);
    alertId = (await t.app.store.listAlerts({}))[0]!.id;
  });
  afterEach(async () => t.close());

  const list = async (query = '') => {
    const res = await t.server.inject({ method: 'GET', url: `/api/alerts${query}` });
    return { status: res.statusCode, body: res.json<{ alerts: AlertView[] } & { fields?: { field: string; message: string }[] }>() };
  };

  it('lists alerts, filtered by status, severity and rule', async () => {
    const all = await list();
    expect(all.status).toBe(200);
    expect(all.body.alerts).toHaveLength(1);
    expect(all.body.alerts[0]).toMatchObject({
      id: alertId,
      type: 'rule',
      ruleId: TWO_FACTOR_RULE,
      status: 'open',
      statusChangedAt: null,
      statusNote: null,
      raisedAt: '2026-03-10T12:00:00.000Z',
    });
    expect(all.body.alerts[0]!.ruleDisplayName).not.toBe(TWO_FACTOR_RULE);
    const severity = all.body.alerts[0]!.severity;
    expect((await list('?status=open,acknowledged')).body.alerts).toHaveLength(1);
    expect((await list('?status=resolved')).body.alerts).toHaveLength(0);
    expect((await list(`?severity=${severity.toLowerCase()},CRITICAL`)).body.alerts).toHaveLength(1);
    expect((await list(`?ruleId=${TWO_FACTOR_RULE}&limit=1`)).body.alerts).toHaveLength(1);
    expect((await list('?ruleId=Zoom.Other')).body.alerts).toHaveLength(0);
  });

  it('rejects unknown statuses and severities with 400 naming the value', async () => {
    const status = await list('?status=open,closed');
    expect(status.status).toBe(400);
    expect(status.body.fields).toEqual([{ field: 'status', message: expect.stringContaining('"closed"') as string }]);
    const severity = await list('?severity=HIGH,urgent');
    expect(severity.status).toBe(400);
    expect(severity.body.fields![0]).toMatchObject({ field: 'severity', message: expect.stringContaining('"urgent"') as string });
    expect((await list('?limit=0')).status).toBe(400);
  });

  it('shows an alert with its matched events, rule and deliveries', async () => {
    const res = await t.server.inject({ method: 'GET', url: `/api/alerts/${alertId}` });
    expect(res.statusCode).toBe(200);
    const detail = res.json<AlertDetail>();
    expect(detail.alert.id).toBe(alertId);
    expect(detail.alert.eventCount).toBe(2);
    expect(detail.events.map((e) => e.eventTime)).toEqual(['2026-03-10T11:00:00.000Z', '2026-03-10T11:02:00.000Z']);
    expect(detail.events[0]!.event.operation_detail).toBe(TWO_FACTOR_OFF);
    expect(detail.rule?.runbook).not.toBe('');
    expect(detail.deliveries).toEqual([
      { id: expect.any(String) as string, destinationName: 'audit log', notice: 'raised', state: 'pending', attempts: 0, lastError: null, deliveredAt: null },
    ]);

    const missing = await t.server.inject({ method: 'GET', url: '/api/alerts/alt_nothere' });
    expect(missing.statusCode).toBe(404);
  });

  it('shows an alert whose events retention purged: the alert with no events, not an error', async () => {
    let batch;
    do batch = await t.app.store.purgeBefore('Zoom.Operation', '2026-03-11', 1000);
    while (!batch.done);
    expect(await t.app.store.countEvents({})).toBe(0);
    const res = await t.server.inject({ method: 'GET', url: `/api/alerts/${alertId}` });
    expect(res.statusCode).toBe(200);
    const detail = res.json<AlertDetail>();
    expect(detail.alert).toMatchObject({ id: alertId, eventCount: 2, status: 'open' });
    expect(detail.events).toEqual([]);
    expect(detail.deliveries).toHaveLength(1);
  });

  it('acknowledges and resolves; resolving queues a resolved notice', async () => {
    const ack = await t.server.inject({ method: 'POST', url: `/api/alerts/${alertId}/status`, payload: { status: 'acknowledged', note: 'on it' } });
    expect(ack.statusCode).toBe(200);
    expect(ack.json()).toMatchObject({ status: 'acknowledged', statusNote: 'on it', statusChangedAt: '2026-03-10T12:00:00.000Z' });
    expect((await list('?status=acknowledged')).body.alerts).toHaveLength(1);

    t.clock.advance(60_000);
    const wake = vi.spyOn(t.context.pipeline.deliveries, 'wake');
    const resolved = await t.server.inject({ method: 'POST', url: `/api/alerts/${alertId}/status`, payload: { status: 'resolved' } });
    expect(resolved.json()).toMatchObject({ status: 'resolved', statusChangedAt: '2026-03-10T12:01:00.000Z' });
    const detail = (await t.server.inject({ method: 'GET', url: `/api/alerts/${alertId}` })).json<AlertDetail>();
    expect(detail.deliveries.map((d) => d.notice).sort()).toEqual(['raised', 'resolved']);
    expect(wake).toHaveBeenCalled();
  });

  it('validates the status change: 400 with fields, 404 for an unknown alert', async () => {
    for (const payload of [{}, { status: 'closed' }, { status: 'resolved', note: 'x'.repeat(2001) }]) {
      const res = await t.server.inject({ method: 'POST', url: `/api/alerts/${alertId}/status`, payload });
      expect(res.statusCode).toBe(400);
      expect(res.json<{ fields: unknown[] }>().fields.length).toBeGreaterThan(0);
    }
    const res = await t.server.inject({ method: 'POST', url: '/api/alerts/alt_nothere/status', payload: { status: 'resolved' } });
    expect(res.statusCode).toBe(404);
  });
});

describe('alerts routes: paging', () => {
  let t: RouteTestServer;
  const HOUR = 3_600_000;
  const TOTAL = 637;

  /** A 180-day backfill's alerts: two-factor turned off every two hours, detected newest page first (so raised newest event first). */
  beforeEach(async () => {
    t = await startRouteTestServer([{ plugin: alertsRoutes, prefix: '/api' }]);
    const sourceId = await createSource(t.app);
    const oldest = Date.parse('2025-09-10T00:00:00Z');
    const rows = await storeRecords(
      t.app,
      sourceId,
      'Zoom.Operation',
      Array.from({ length: TOTAL }, (_, i) => operation(new Date(oldest + i * 2 * HOUR).toISOString(), { operation_detail: TWO_FACTOR_OFF })),
    );
    const detector = new Detector({ store: t.app.store, rules: RULES, clock: t.clock, logger: t.app.logger });
    const newestFirst = rows.map((r) => ({ rowId: r.rowId, sourceId, logType: 'Zoom.Operation' as const, eventTimeMs: r.eventTimeMs, event: r.event })).reverse();
    for (let i = 0; i < newestFirst.length; i += 100) {
      await detector.detect(newestFirst.slice(i, i + 100));
      t.clock.advance(60_000);
    }
  }, 60_000);
  afterEach(async () => t.close());

  const get = async (query: string) => {
    const res = await t.server.inject({ method: 'GET', url: `/api/alerts${query}` });
    return { status: res.statusCode, body: res.json<AlertPage & ApiError>() };
  };

  it('more alerts than a page: the newest last event first, a cursor to every other alert once, and the total', async () => {
    const first = await get('?limit=500');
    expect(first.status).toBe(200);
    expect([first.body.alerts.length, first.body.total]).toEqual([500, TOTAL]);
    expect(first.body.alerts[0]!.lastEventTime).toBe(new Date(Date.parse('2025-09-10T00:00:00Z') + (TOTAL - 1) * 2 * HOUR).toISOString());
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await get(`?limit=500&cursor=${first.body.nextCursor}`);
    expect([second.body.alerts.length, second.body.total, second.body.nextCursor]).toEqual([137, TOTAL, null]);
    const all = [...first.body.alerts, ...second.body.alerts];
    expect(new Set(all.map((a) => a.id)).size).toBe(TOTAL);
    const times = all.map((a) => Date.parse(a.lastEventTime));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('sorts by raise time when asked, and pages that sort with its own cursors', async () => {
    const raised = await get('?sort=raised&limit=300');
    // Raised last, together: the 37 oldest events (the backfill's last batch), in id order among themselves.
    const oldest37 = Array.from({ length: 37 }, (_, i) => new Date(Date.parse('2025-09-10T00:00:00Z') + i * 2 * HOUR).toISOString());
    expect(
      raised.body.alerts
        .slice(0, 37)
        .map((a) => a.lastEventTime)
        .sort(),
    ).toEqual(oldest37);
    expect(raised.body.alerts.slice(0, 37).map((a) => a.id)).toEqual(
      raised.body.alerts
        .slice(0, 37)
        .map((a) => a.id)
        .sort(),
    );
    const ids = raised.body.alerts.map((a) => a.id);
    let cursor = raised.body.nextCursor;
    while (cursor !== null) {
      const next = await get(`?sort=raised&limit=300&cursor=${cursor}`);
      ids.push(...next.body.alerts.map((a) => a.id));
      cursor = next.body.nextCursor;
    }
    expect(new Set(ids).size).toBe(TOTAL);
    const severity = await get('?sort=severity&limit=2&status=open');
    expect([severity.status, severity.body.total]).toEqual([200, TOTAL]);
  });

  it('rejects a cursor it did not give out, or given for another sort, with a fix; bounds the limit', async () => {
    const garbage = await get('?cursor=not-a-cursor');
    expect(garbage.status).toBe(400);
    expect(garbage.body.fields).toEqual([{ field: 'cursor', message: expect.stringContaining('not a cursor') as string }]);
    expect(garbage.body.fix).toMatch(/nextCursor/);
    const { nextCursor } = (await get('?limit=5')).body;
    const otherSort = await get(`?sort=severity&cursor=${nextCursor}`);
    expect(otherSort.status).toBe(400);
    expect(otherSort.body.message).toContain('sort=last-event');
    expect(otherSort.body.fix).toMatch(/sort=last-event/);
    expect((await get('?limit=501')).status).toBe(400);
    expect((await get('?sort=newest')).status).toBe(400);
  });
});
