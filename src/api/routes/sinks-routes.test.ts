import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../../alert/http-receiver.test-support.js';
import { outboundAccessFor } from '../../app/outbound-access.js';
import { S3RVER_SECRET, startS3Server, type S3TestServer } from '../../forward/s3-server.test-support.js';
import { page, sampleEvent, sampleSource } from '../../store/store-contract.test-support.js';
import { startRouteTestServer, type RouteTestServer } from '../route-test-server.test-support.js';
import { sinksRoutes } from './sinks-routes.js';

const HTTP_SECRET = 'sink-signing-secret-never-shown-7f';

describe('sinks routes', () => {
  let t: RouteTestServer;
  let receiver: Receiver;
  const bodies: string[] = [];

  beforeEach(async () => {
    t = await startRouteTestServer([{ plugin: sinksRoutes, prefix: '/api' }]);
    receiver = await startReceiver();
    const source = (await t.app.store.createSource(sampleSource())).id;
    await t.app.store.commitPage(page(source, [sampleEvent('e1', Date.parse('2026-03-10T11:00:00Z')), sampleEvent('e2', Date.parse('2026-03-10T11:30:00Z'), 'bot@example.com')]));
    bodies.length = 0;
  });
  afterEach(async () => {
    await receiver.close();
    await t.close();
    for (const body of bodies) {
      expect(body).not.toContain(HTTP_SECRET);
      expect(body).not.toContain('S3RVER');
    }
  });

  async function call(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) {
    const res = await t.server.inject({ method, url, ...(payload ? { payload } : {}) });
    bodies.push(res.body);
    return { status: res.statusCode, body: res.body === '' ? undefined : (res.json<unknown>() as Record<string, unknown>) };
  }

  const httpSink = () => ({ name: 'siem', kind: 'http', url: `${receiver.origin}/in`, secret: HTTP_SECRET, fieldFilters: ['email!=bot@example.com'] });

  it('creates, lists, shows, updates, pauses, resumes and deletes sinks with their health, never a secret', async () => {
    const created = await call('POST', '/api/sinks', httpSink());
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'siem',
      kind: 'http',
      format: 'panther',
      hasSecret: true,
      fieldFilters: ['email!=bot@example.com'],
      backlog: 2,
      delivered: 0,
      lastError: null,
      paused: false,
    });
    const id = created.body!.id as string;
    expect(((await call('GET', '/api/sinks')).body!.sinks as unknown[]).length).toBe(1);
    expect((await call('GET', `/api/sinks/${id}`)).body).toMatchObject({ id, name: 'siem' });
    expect((await call('PATCH', `/api/sinks/${id}`, { format: 'ocsf', logTypes: ['Zoom.Activity'] })).body).toMatchObject({
      format: 'ocsf',
      logTypes: ['Zoom.Activity'],
      hasSecret: true,
    });
    expect((await call('POST', `/api/sinks/${id}/pause`)).body).toMatchObject({ paused: true });
    expect((await call('POST', `/api/sinks/${id}/resume`)).body).toMatchObject({ paused: false });
    expect((await call('DELETE', `/api/sinks/${id}`)).status).toBe(204);
    expect((await call('GET', `/api/sinks/${id}`)).status).toBe(404);
  });

  it('needs the secret again when the URL changes, and refuses bad filters, start points and settings naming the field', async () => {
    const id = (await call('POST', '/api/sinks', httpSink())).body!.id as string;
    const moved = await call('PATCH', `/api/sinks/${id}`, { url: 'https://elsewhere.example.com/in' });
    expect(moved).toMatchObject({ status: 400, body: { code: 'secret_required', fields: [{ field: 'secret' }] } });
    expect((await call('PATCH', `/api/sinks/${id}`, { url: 'https://elsewhere.example.com/in', secret: `${HTTP_SECRET}-new` })).status).toBe(200);
    expect((await call('POST', '/api/sinks', { ...httpSink(), name: 'b', fieldFilters: ['nonsense'] })).body).toMatchObject({ fields: [{ field: 'fieldFilters' }] });
    expect((await call('POST', '/api/sinks', { ...httpSink(), name: 'c', from: 'yesterday' })).body).toMatchObject({ fields: [{ field: 'from' }] });
    expect((await call('POST', '/api/sinks', { name: 'd', kind: 's3', url: 'https://s3.example.com', secret: 'a:b' })).body).toMatchObject({ fields: [{ field: 'settings' }] });
    expect((await call('POST', '/api/sinks', { ...httpSink(), name: 'siem' })).status).toBe(409);
  });

  it('refuses an endpoint the outbound address policy refuses', async () => {
    await t.close();
    t = await startRouteTestServer([{ plugin: sinksRoutes, prefix: '/api' }], { outbound: outboundAccessFor({ allowedNetworks: [] }) });
    const refused = await call('POST', '/api/sinks', { name: 'local', kind: 'syslog', url: 'tcp://127.0.0.1:514' });
    expect(refused).toMatchObject({ status: 400, body: { code: 'address_refused', fields: [{ field: 'url' }] } });
  });

  it('sends a test event (status only), replays, lists and retries dead letters', async () => {
    const id = (await call('POST', '/api/sinks', httpSink())).body!.id as string;
    receiver.reply({ status: 500, body: 'stack trace with db password hunter2' });
    const failed = await call('POST', `/api/sinks/${id}/test`);
    expect(failed.body).toMatchObject({ ok: false, message: expect.stringContaining('500') });
    expect(JSON.stringify(failed.body)).not.toContain('hunter2');
    expect((await call('POST', `/api/sinks/${id}/test`)).body).toMatchObject({ ok: true });
    expect((await call('POST', `/api/sinks/${id}/replay`, { from: 'now' })).body).toEqual({ backlog: 0 });
    expect((await call('POST', `/api/sinks/${id}/replay`, { from: '2026-03-10' })).body).toEqual({ backlog: 2 });
    expect((await call('GET', `/api/sinks/${id}/dead-letters`)).body).toEqual({ deadLetters: [] });
    expect((await call('POST', `/api/sinks/${id}/dead-letters/retry`, { all: true })).body).toEqual({ delivered: 0, refused: 0, gone: 0, error: null });
    expect((await call('POST', `/api/sinks/${id}/dead-letters/retry`, {})).status).toBe(400);
  });

  it('creates an s3 sink whose test event lands in the bucket', async () => {
    const s3: S3TestServer = await startS3Server();
    try {
      const created = await call('POST', '/api/sinks', { name: 'lake', kind: 's3', url: s3.endpoint, secret: S3RVER_SECRET, settings: { bucket: s3.bucket } });
      expect(created.status).toBe(201);
      expect((await call('POST', `/api/sinks/${created.body!.id as string}/test`)).body).toMatchObject({ ok: true });
      expect(await s3.keys()).toEqual([expect.stringMatching(/^zoom\/zoomtrail\.test\/dt=2026-03-10\/zoomtrail-test-\d+\.json\.gz$/)]);
    } finally {
      await s3.close();
    }
  });
});
