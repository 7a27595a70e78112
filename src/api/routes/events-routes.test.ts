import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventPage, EventView, Histogram } from '../api-types.js';
import { startRouteTestServer, type RouteTestServer } from '../route-test-server.test-support.js';
import { eventsRoutes } from './events-routes.js';
import { failuresRoutes } from './failures-routes.js';
import { activity, createSource, operation, storeRecords, TWO_FACTOR_OFF } from './route-seed.test-support.js';

const HOUR = 3_600_000;
const XSS = '<script>alert(1)</script>';

describe('events routes', () => {
  let t: RouteTestServer;
  let sourceId: string;
  let otherSource: string;

  beforeEach(async () => {
    t = await startRouteTestServer([
      { plugin: eventsRoutes, prefix: '/api' },
      { plugin: failuresRoutes, prefix: '/api' },
    ]);
    sourceId = await createSource(t.app, 'A');
    otherSource = await createSource(t.app, 'B');
    await storeRecords(t.app, sourceId, 'Zoom.Operation', [
      operation('2026-03-10T10:00:00Z', { operation_detail: TWO_FACTOR_OFF }),
      operation('2026-03-10T10:10:00Z', { category_type: 'User', action: 'Add', operation_detail: `Add User ${XSS}` }),
      operation('2026-03-10T10:20:00Z', { category_type: 'Meeting', action: 'Delete', operation_detail: 'Delete Meeting 100% sure' }),
    ]);
    await storeRecords(t.app, sourceId, 'Zoom.Activity', [activity('2026-03-10T09:00:00Z', 'bob@example.com', '198.51.100.4')]);
    await storeRecords(t.app, otherSource, 'Zoom.Activity', [activity('2026-03-09T09:00:00Z', 'Carol@Example.com', '192.0.2.8')]);
  });
  afterEach(async () => t.close());

  const get = async <T>(url: string): Promise<{ status: number; body: T }> => {
    const res = await t.server.inject({ method: 'GET', url });
    return { status: res.statusCode, body: res.json<T>() };
  };
  const times = (page: EventPage) => page.events.map((e) => e.eventTime);

  it('lists events newest first with their views', async () => {
    const { status, body } = await get<EventPage>('/api/events');
    expect(status).toBe(200);
    expect(times(body)).toEqual(['2026-03-10T10:20:00.000Z', '2026-03-10T10:10:00.000Z', '2026-03-10T10:00:00.000Z', '2026-03-10T09:00:00.000Z', '2026-03-09T09:00:00.000Z']);
    expect(body.nextCursor).toBeNull();
    const first = body.events[0]!;
    expect(first).toMatchObject({ sourceId, logType: 'Zoom.Operation', storedAt: '2026-03-10T12:00:00.000Z' });
    expect(first.event).toMatchObject({ category_type: 'Meeting', p_log_type: 'Zoom.Operation', p_row_id: first.rowId });
  });

  it('filters by email, ip, category, action, text, change, logType, source and time', async () => {
    const count = async (query: string) => (await get<EventPage>(`/api/events?${query}`)).body.events.length;
    expect(await count('email=CAROL%40example.com')).toBe(1);
    expect(await count('email=admin%40example.com')).toBe(3);
    expect(await count('ip=198.51.100.4')).toBe(1);
    expect(await count('category=user')).toBe(1);
    expect(await count('category=Use')).toBe(0);
    expect(await count('action=UPDATE')).toBe(1);
    expect(await count('text=two-factor')).toBe(1);
    expect(await count('text=100%25')).toBe(1);
    expect(await count('text=from%20on')).toBe(1);
    expect(await count('change=two-factor%20authentication')).toBe(1);
    expect(await count('change=nothing-like-this')).toBe(0);
    expect(await count('logType=Zoom.Activity')).toBe(2);
    expect(await count(`sourceId=${otherSource}`)).toBe(1);
    expect(await count('since=2026-03-10T10:00:00Z&until=2026-03-10T10:20:00Z')).toBe(2);
    expect(await count('since=2026-03-10')).toBe(4);
    expect(await count('until=2026-03-10')).toBe(1);
    expect(await count('logType=Zoom.Operation&action=add&category=USER')).toBe(1);
  });

  it('expresses every filter in the query language (q), with AND, OR, NOT and parentheses', async () => {
    const count = async (query: string) => {
      const res = await get<EventPage>(`/api/events?q=${encodeURIComponent(query)}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.events.length;
    };
    const same: [string, string][] = [
      ['email=CAROL%40example.com', 'email:CAROL@example.com'],
      ['ip=198.51.100.4', 'ip:198.51.100.4'],
      ['category=user', 'category:user'],
      ['action=UPDATE', 'action:UPDATE'],
      ['text=100%25', 'text:"100%"'],
      ['change=two-factor%20authentication', 'change:"two-factor authentication"'],
      ['logType=Zoom.Activity', 'logType:Zoom.Activity'],
      [`sourceId=${otherSource}`, `source:${otherSource}`],
      ['since=2026-03-10T10:00:00Z&until=2026-03-10T10:20:00Z', 'p_event_time>=2026-03-10T10:00:00Z p_event_time<2026-03-10T10:20:00Z'],
      ['since=2026-03-10', 'p_event_time>=2026-03-10'],
      ['logType=Zoom.Operation&action=add&category=USER', 'logType:Zoom.Operation AND action:add AND category:USER'],
    ];
    for (const [filters, query] of same) expect(await count(query), query).toBe((await get<EventPage>(`/api/events?${filters}`)).body.events.length);
    expect(await count('action:add OR action:delete')).toBe(2);
    expect(await count('logType:Zoom.Operation NOT (action:add OR action:delete)')).toBe(1);
    expect(await count('(email:bob@example.com OR email:carol@example.com) p_event_time:2026-03-10')).toBe(1);
    expect(await count('"two-factor" OR text:"100%"')).toBe(2);
    expect(await count('p_udm.changes.name:"*Two-Factor*"')).toBe(1);
    expect((await get<EventPage>(`/api/events?action=add&q=${encodeURIComponent('action:add OR action:delete')}`)).body.events).toHaveLength(1);
    expect(
      (await get<Histogram>(`/api/events/histogram?since=2026-03-10&until=2026-03-11&buckets=2&q=${encodeURIComponent('action:add OR logType:Zoom.Activity')}`)).body.buckets.map(
        (b) => b.count,
      ),
    ).toEqual([2, 0]);
    const exported = await t.server.inject({ method: 'GET', url: `/api/events/export?q=${encodeURIComponent('action:add OR action:delete')}` });
    expect(exported.body.trim().split('\n')).toHaveLength(2);
  });

  it('answers 400 naming q with the position and a fix for a malformed or unrestricted query', async () => {
    const error = async (query: string, extra = '') => {
      const res = await get<{ code: string; message: string; fix: string; fields: { field: string; position: number }[] }>(`/api/events?q=${encodeURIComponent(query)}${extra}`);
      expect(res.status).toBe(400);
      return res.body;
    };
    expect(await error('action:add OR (text:x')).toMatchObject({ code: 'invalid_query', fields: [{ field: 'q', position: 14 }], fix: expect.stringContaining(')') });
    expect(await error('action:add OR')).toMatchObject({ fields: [{ position: 11 }] });
    expect(await error('p_event_time>tomorrow')).toMatchObject({ fields: [{ position: 13 }] });
    expect(await error('x operator:bob')).toMatchObject({ message: expect.stringContaining("Unknown field 'operator'"), fields: [{ position: 2 }] });
    expect(await error('logType:Zoom.Nope')).toMatchObject({ fields: [{ position: 0 }] });
    expect(await error('NOT action:add')).toMatchObject({ message: expect.stringContaining('no positive condition') });
    expect(await error('asn>5')).toMatchObject({ message: expect.stringContaining('no positive condition') });
    expect((await get<EventPage>(`/api/events?since=2026-03-10&q=${encodeURIComponent('NOT action:add')}`)).body.events).toHaveLength(3);
  });

  it('sorts oldest first with order=asc, and pages that way', async () => {
    const { body } = await get<EventPage>('/api/events?order=asc&limit=2');
    expect(times(body)).toEqual(['2026-03-09T09:00:00.000Z', '2026-03-10T09:00:00.000Z']);
    const next = await get<EventPage>(`/api/events?order=asc&limit=2&cursor=${body.nextCursor}`);
    expect(times(next.body)).toEqual(['2026-03-10T10:00:00.000Z', '2026-03-10T10:10:00.000Z']);
    expect((await get('/api/events?order=up')).status).toBe(400);
  });

  it('filters by the country and ASN of the IP enrichment, and shows p_enrichment', async () => {
    await storeRecords(t.app, sourceId, 'Zoom.Activity', [
      activity('2026-03-10T11:00:00Z', 'dora@example.com', '84.150.1.1'),
      activity('2026-03-10T11:05:00Z', 'erin@example.com', '8.8.8.8'),
    ]);
    const emails = async (query: string) => (await get<EventPage>(`/api/events?${query}`)).body.events.map((e) => e.event.email);
    expect(await emails('country=DE')).toEqual(['dora@example.com']);
    expect(await emails('country=us')).toEqual(['erin@example.com']);
    expect(await emails('asn=15169')).toEqual(['erin@example.com']);
    expect(await emails('country=DE&asn=3320')).toEqual(['dora@example.com']);
    expect(await emails('country=FR')).toEqual([]);
    const [dora] = (await get<EventPage>('/api/events?country=DE')).body.events;
    expect(dora!.event.p_enrichment).toMatchObject({ ip_location: { ip_address: { kind: 'public', country: 'DE', asn: 3320 } } });
    const [doc] = (await get<EventPage>('/api/events?ip=198.51.100.4')).body.events;
    expect(doc!.event.p_enrichment).toEqual({ ip_location: { ip_address: { kind: 'documentation' } } });
    expect((await get<Histogram>('/api/events/histogram?country=DE&since=2026-03-10&until=2026-03-11&buckets=4')).body.buckets.map((b) => b.count)).toEqual([0, 1, 0, 0]);
    expect((await get('/api/events?country=DEU')).status).toBe(400);
    expect((await get('/api/events?asn=AS3320')).status).toBe(400);
  });

  it('returns operation_detail holding markup verbatim as JSON text', async () => {
    const res = await t.server.inject({ method: 'GET', url: '/api/events?category=User' });
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const page = res.json<EventPage>();
    expect(page.events[0]!.event.operation_detail).toBe(`Add User ${XSS}`);
    expect(res.body).toContain(JSON.stringify(`Add User ${XSS}`));
  });

  it('pages with a cursor over more events than the limit, without duplicates or gaps', async () => {
    // 23 more events, several per second so pages break inside equal times.
    const raws = Array.from({ length: 23 }, (_, i) =>
      activity(new Date(Date.parse('2026-03-10T11:00:00Z') + Math.floor(i / 4) * 1000).toISOString().replace('.000Z', 'Z'), `user${i}@example.com`),
    );
    await storeRecords(t.app, otherSource, 'Zoom.Activity', raws);
    const all = (await get<EventPage>('/api/events?limit=500')).body.events.map((e) => e.rowId);
    expect(all).toHaveLength(28);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: EventPage = (await get<EventPage>(`/api/events?limit=6${cursor ? `&cursor=${cursor}` : ''}`)).body;
      expect(page.events.length).toBeLessThanOrEqual(6);
      seen.push(...page.events.map((e) => e.rowId));
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== null && pages < 20);
    expect(pages).toBe(5);
    expect(seen).toEqual(all);
    expect(new Set(seen).size).toBe(28);
  });

  it('rejects bad input with 400 and the fields at fault', async () => {
    for (const [query, field] of [
      ['limit=0', 'limit'],
      ['limit=501', 'limit'],
      ['limit=abc', 'limit'],
      ['logType=Zoom.Nope', 'logType'],
      ['since=yesterday', 'since'],
      ['since=2026-03-10T10:00:00Z&until=2026-03-10T09:00:00Z', 'until'],
      ['cursor=not-a-cursor', 'cursor'],
    ] as const) {
      const res = await t.server.inject({ method: 'GET', url: `/api/events?${query}` });
      expect(res.statusCode, query).toBe(400);
      const body = res.json<{ code: string; fields: { field: string }[] }>();
      expect(body.code).toBe('invalid_request');
      expect(
        body.fields.map((f) => f.field),
        query,
      ).toContain(field);
    }
    const res = await t.server.inject({ method: 'GET', url: '/api/events/histogram?buckets=501' });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ fields: { field: string }[] }>().fields[0]!.field).toBe('buckets');
    expect((await t.server.inject({ method: 'GET', url: '/api/events/export?format=xml' })).statusCode).toBe(400);
  });

  it('gets one event by row id, 404 when absent', async () => {
    const [newest] = (await get<EventPage>('/api/events?limit=1')).body.events;
    const one = await get<EventView>(`/api/events/${encodeURIComponent(newest!.rowId)}`);
    expect(one.status).toBe(200);
    expect(one.body).toEqual(newest);
    const missing = await get<{ code: string }>('/api/events/nope');
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('not_found');
  });

  it('counts events per bucket over the last 24 hours by default; the buckets sum to the count', async () => {
    const { status, body } = await get<Histogram>('/api/events/histogram');
    expect(status).toBe(200);
    expect(body.bucketMs).toBe(30 * 60_000);
    expect(body.buckets).toHaveLength(48);
    expect(body.buckets[0]!.start).toBe('2026-03-09T12:00:00.000Z');
    expect(body.buckets.reduce((n, b) => n + b.count, 0)).toBe(4); // the event of 2026-03-09T09:00 is older than 24 h
    const hour = await get<Histogram>('/api/events/histogram?since=2026-03-10T09:00:00Z&until=2026-03-10T11:00:00Z&buckets=2');
    expect(hour.body).toEqual({
      bucketMs: HOUR,
      buckets: [
        { start: '2026-03-10T09:00:00.000Z', count: 1 },
        { start: '2026-03-10T10:00:00.000Z', count: 3 },
      ],
    });
    const filtered = await get<Histogram>('/api/events/histogram?since=2026-03-09&until=2026-03-11&buckets=7&logType=Zoom.Activity');
    expect(filtered.body.buckets.reduce((n, b) => n + b.count, 0)).toBe(2);
  });

  it('exports matching events oldest first as NDJSON or CSV attachments', async () => {
    const nd = await t.server.inject({ method: 'GET', url: '/api/events/export?format=ndjson' });
    expect(nd.statusCode).toBe(200);
    expect(nd.headers['content-type']).toMatch(/^application\/x-ndjson/);
    expect(nd.headers['content-disposition']).toMatch(/^attachment; filename="zoomtrail-events-.*\.ndjson"$/);
    const lines = nd.body.trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines.map((l) => (JSON.parse(l) as { p_event_time: string }).p_event_time)).toEqual(
      [...lines.map((l) => (JSON.parse(l) as { p_event_time: string }).p_event_time)].sort(),
    );

    const csv = await t.server.inject({ method: 'GET', url: '/api/events/export?format=csv&logType=Zoom.Operation' });
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers['content-disposition']).toMatch(/\.csv"$/);
    const rows = csv.body.split('\r\n').filter((r) => r !== '');
    expect(rows[0]!.startsWith('p_row_id,p_event_time,p_log_type,p_source_id,p_source_label,')).toBe(true);
    expect(rows[0]).toContain('operation_detail');
    expect(rows).toHaveLength(4);
    expect(csv.body).toContain(XSS);

    const filtered = await t.server.inject({ method: 'GET', url: '/api/events/export?email=bob%40example.com' });
    expect(filtered.body.trimEnd().split('\n')).toHaveLength(1);
  });

  it('lists classification failures with the total', async () => {
    await t.app.store.commitPage({
      sourceId,
      logType: 'Zoom.Activity',
      events: [],
      failures: [1, 2, 3].map((i) => ({ rowId: `f${i}`, day: '2026-03-10', raw: `{"n":${i}}`, reason: 'bad time', field: 'time', failedAt: t.clock.now() + i })),
      days: [],
      stream: {},
    });
    const { status, body } = await get<{ failures: { rowId: string; failedAt: string; field: string | null }[]; total: number }>('/api/failures?limit=2');
    expect(status).toBe(200);
    expect(body.total).toBe(3);
    expect(body.failures.map((f) => f.rowId)).toEqual(['f1', 'f2']);
    expect(body.failures[0]).toMatchObject({ field: 'time', failedAt: '2026-03-10T12:00:00.001Z' });
    expect((await get<{ total: number }>(`/api/failures?sourceId=${otherSource}`)).body.total).toBe(0);
    expect((await get<{ total: number }>('/api/failures?logType=Zoom.Operation')).body.total).toBe(0);
    expect((await t.server.inject({ method: 'GET', url: '/api/failures?limit=0' })).statusCode).toBe(400);
  });
});
