import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AlertDetail, AlertView } from '../api-types.js';
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
    expect(all.body.alerts[0]).toMatchObject({ id: alertId, type: 'rule', ruleId: TWO_FACTOR_RULE, status: 'open', statusChangedAt: null, statusNote: null, raisedAt: '2026-03-10T12:00:00.000Z' });
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
    expect(detail.deliveries).toEqual([{ id: expect.any(String) as string, destinationName: 'audit log', notice: 'raised', state: 'pending', attempts: 0, lastError: null, deliveredAt: null }]);

    const missing = await t.server.inject({ method: 'GET', url: '/api/alerts/alt_nothere' });
    expect(missing.statusCode).toBe(404);
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
