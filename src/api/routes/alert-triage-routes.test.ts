import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AlertBulkResult, AlertHistory, AlertHistoryEntry, AlertPage, AlertView, ApiError } from '../api-types.js';
import { startRouteTestServer, type RouteTestServer } from '../route-test-server.test-support.js';
import { alertsRoutes } from './alerts-routes.js';
import { createSource, detect, operation, storeRecords, TWO_FACTOR_OFF } from './route-seed.test-support.js';

describe('alert triage routes', () => {
  let t: RouteTestServer;
  let ids: string[];
  let sourceId: string;

  beforeEach(async () => {
    t = await startRouteTestServer([{ plugin: alertsRoutes, prefix: '/api' }]);
    sourceId = await createSource(t.app);
    // Two alerts: the same rule, two operators (its dedup), hours apart.
    await storeRecords(t.app, sourceId, 'Zoom.Operation', [
      operation('2026-03-10T08:00:00Z', { operation_detail: TWO_FACTOR_OFF, operator: 'one@example.com' }),
      operation('2026-03-10T11:00:00Z', { operation_detail: TWO_FACTOR_OFF, operator: 'two@example.com' }),
    ]);
    expect((await detect(t.app)).raised).toBe(2);
    ids = (await t.app.store.listAlerts({})).map((a) => a.id);
    await t.app.store.createUser({ username: 'bob', passwordHash: 'x', role: 'analyst' });
  });
  afterEach(async () => t.close());

  const inject = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) =>
    t.server.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }) });

  it('assigns and changes status with a note; every change and comment is in the history with who and when', async () => {
    const assigned = await inject('PATCH', `/api/alerts/${ids[0]}`, { assignee: 'bob', status: 'acknowledged', note: 'on it' });
    expect(assigned.statusCode).toBe(200);
    expect(assigned.json<AlertView>()).toMatchObject({ assignee: 'bob', status: 'acknowledged', statusNote: 'on it' });
    const comment = await inject('POST', `/api/alerts/${ids[0]}/comments`, { note: 'the admin confirmed by phone' });
    expect(comment.statusCode).toBe(201);
    expect(comment.json<AlertHistoryEntry>()).toMatchObject({ kind: 'comment', actor: 'admin', note: 'the admin confirmed by phone' });
    const history = (await inject('GET', `/api/alerts/${ids[0]}/history`)).json<AlertHistory>().history;
    expect(history.map((h) => [h.kind, h.actor, h.from, h.to, h.note])).toEqual([
      ['assignee', 'admin', null, 'bob', 'on it'],
      ['status', 'admin', 'open', 'acknowledged', 'on it'],
      ['comment', 'admin', null, null, 'the admin confirmed by phone'],
    ]);
    expect(history[0]!.at).toMatch(/^\d{4}-\d\d-\d\dT/);
    // Filters: by assignee (none = unassigned), source, time; "N of M" totals.
    const page = async (q: string) => (await inject('GET', `/api/alerts${q}`)).json<AlertPage>();
    expect((await page('?assignee=bob')).alerts.map((a) => a.id)).toEqual([ids[0]]);
    expect((await page('?assignee=none')).total).toBe(1);
    expect((await page(`?sourceId=${sourceId}&limit=1`)).total).toBe(2);
    expect((await page('?sourceId=src_other')).total).toBe(0);
    expect((await page('?from=2099-01-01T00:00:00Z')).total).toBe(0);
    expect((await page('?sort=assignee')).alerts.map((a) => a.assignee)).toEqual([null, 'bob']);
  });

  it('refuses an assignee who is not a console user, a comment without text and unknown alerts', async () => {
    const res = await inject('PATCH', `/api/alerts/${ids[0]}`, { assignee: 'mallory' });
    expect(res.statusCode).toBe(400);
    expect(res.json<ApiError>().fix).toContain('/api/alerts/assignees');
    expect((await inject('PATCH', `/api/alerts/${ids[0]}`, { note: 'only a note' })).statusCode).toBe(400);
    expect((await inject('POST', `/api/alerts/${ids[0]}/comments`, { note: '   ' })).statusCode).toBe(400);
    expect((await inject('PATCH', '/api/alerts/alt_nothere', { status: 'resolved' })).statusCode).toBe(404);
    expect((await inject('GET', '/api/alerts/alt_nothere/history')).statusCode).toBe(404);
    expect((await inject('GET', '/api/alerts/assignees')).json<{ users: string[] }>().users).toEqual(['bob']);
  });

  it('bulk: resolves and assigns many, reporting the ids it could not change', async () => {
    const resolved = await inject('POST', '/api/alerts/bulk', { ids: [...ids, 'alt_nothere'], action: 'resolve', note: 'false positives' });
    expect(resolved.statusCode).toBe(200);
    const body = resolved.json<AlertBulkResult>();
    expect(body.updated.map((a) => a.status)).toEqual(['resolved', 'resolved']);
    expect(body.failed).toEqual([{ id: 'alt_nothere', message: expect.any(String) as string }]);
    const assigned = (await inject('POST', '/api/alerts/bulk', { ids, action: 'assign', assignee: 'bob' })).json<AlertBulkResult>();
    expect(assigned.updated.map((a) => a.assignee)).toEqual(['bob', 'bob']);
    expect((await inject('POST', '/api/alerts/bulk', { ids, action: 'assign' })).statusCode).toBe(400);
    for (const id of ids) {
      const kinds = (await inject('GET', `/api/alerts/${id}/history`)).json<AlertHistory>().history.map((h) => `${h.kind}:${h.to}:${h.note}`);
      expect(kinds).toEqual(['status:resolved:false positives', 'assignee:bob:null']);
    }
  });
});
