import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closedPortOrigin, startReceiver, type Receiver } from '../../alert/http-receiver.test-support.js';
import type { DestinationView, TestDeliveryResult } from '../api-types.js';
import { startRouteTestServer, type RouteTestServer } from '../route-test-server.test-support.js';
import { destinationsRoutes } from './destinations-routes.js';
import { outboundAccessFor } from '../../app/outbound-access.js';
import type { ResolveHost } from '../../shared/guarded-fetch.js';

const WEBHOOK_SECRET = 'whsec-never-shown-4d5e6f7a8b9c';
const SLACK_PATH = '/services/T000/B000/slack-secret-path-9x8y7z';

describe('destinations routes', () => {
  let t: RouteTestServer;
  let receiver: Receiver;
  const bodies: string[] = [];

  beforeEach(async () => {
    t = await startRouteTestServer([{ plugin: destinationsRoutes, prefix: '/api' }]);
    receiver = await startReceiver();
    bodies.length = 0;
  });
  afterEach(async () => {
    await receiver.close();
    await t.close();
    for (const body of bodies) {
      expect(body).not.toContain(WEBHOOK_SECRET);
      expect(body).not.toContain(SLACK_PATH);
    }
  });

  async function call(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) {
    const res = await t.server.inject({ method, url, ...(payload ? { payload } : {}) });
    bodies.push(res.body);
    return { status: res.statusCode, body: res.body === '' ? undefined : res.json<unknown>() };
  }

  const webhook = () => ({
    name: 'SOC webhook',
    kind: 'webhook',
    url: `${receiver.origin}/hook`,
    secret: WEBHOOK_SECRET,
    minSeverity: 'HIGH',
    ruleIds: ['Zoom.Two.Factor.Authentication.Disabled'],
  });

  it('creates, lists, updates and deletes destinations, never showing a secret', async () => {
    const created = await call('POST', '/api/destinations', webhook());
    expect(created.status).toBe(201);
    const view = created.body as DestinationView;
    expect(view).toMatchObject({
      name: 'SOC webhook',
      kind: 'webhook',
      enabled: true,
      url: `${receiver.origin}/hook`,
      minSeverity: 'HIGH',
      ruleIds: ['Zoom.Two.Factor.Authentication.Disabled'],
      hasSecret: true,
      createdAt: '2026-03-10T12:00:00.000Z',
    });
    expect(Object.keys(view)).not.toContain('secret');

    const slack = await call('POST', '/api/destinations', { name: 'Slack', kind: 'slack', secret: `${receiver.origin}${SLACK_PATH}` });
    expect(slack.status).toBe(201);
    expect(slack.body).toMatchObject({ kind: 'slack', url: null, hasSecret: true, minSeverity: 'INFO', ruleIds: [] });
    const log = await call('POST', '/api/destinations', { name: 'Log', kind: 'log', enabled: false });
    expect(log.body).toMatchObject({ kind: 'log', hasSecret: false, enabled: false, url: null });

    const listed = (await call('GET', '/api/destinations')).body as { destinations: DestinationView[] };
    expect(listed.destinations.map((d) => d.name).sort()).toEqual(['Log', 'SOC webhook', 'Slack']);

    // Omitting the secret keeps it; a new one replaces it.
    const renamed = await call('PATCH', `/api/destinations/${view.id}`, { name: 'SOC', enabled: false, minSeverity: 'LOW', ruleIds: [] });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'SOC', enabled: false, minSeverity: 'LOW', ruleIds: [], hasSecret: true, url: `${receiver.origin}/hook` });
    expect(await t.app.store.getDestinationSecret(view.id)).toBe(WEBHOOK_SECRET);
    await call('PATCH', `/api/destinations/${view.id}`, { secret: `${WEBHOOK_SECRET}-2` });
    expect(await t.app.store.getDestinationSecret(view.id)).toBe(`${WEBHOOK_SECRET}-2`);

    expect((await call('DELETE', `/api/destinations/${view.id}`)).status).toBe(204);
    expect((await call('DELETE', `/api/destinations/${view.id}`)).status).toBe(404);
    expect(((await call('GET', '/api/destinations')).body as { destinations: DestinationView[] }).destinations).toHaveLength(2);
  });

  it('changing where a destination sends needs its secret again: a stored routing key or signing key never follows the URL to another host', async () => {
    const other = await startReceiver();
    try {
      const pd = (await call('POST', '/api/destinations', { name: 'PD', kind: 'pagerduty', url: `${receiver.origin}/v2/enqueue`, secret: 'routing-key-never-moves' }))
        .body as DestinationView;
      const hook = (await call('POST', '/api/destinations', webhook())).body as DestinationView;
      for (const d of [pd, hook]) {
        const moved = await call('PATCH', `/api/destinations/${d.id}`, { url: `${other.origin}/steal` });
        expect(moved.status).toBe(400);
        expect(moved.body).toMatchObject({ code: 'secret_required', fields: [expect.objectContaining({ field: 'secret' })] });
        expect((await t.app.store.getDestination(d.id))?.settings.url).toBe(d.url);
        // The test notice still goes to the URL the secret was given for.
        expect((await call('POST', `/api/destinations/${d.id}/test`)).status).toBe(200);
      }
      expect(other.requests).toHaveLength(0);
      // With the secret entered again, the move is allowed.
      const ok = await call('PATCH', `/api/destinations/${pd.id}`, { url: `${other.origin}/v2/enqueue`, secret: 'a-new-routing-key' });
      expect(ok.status).toBe(200);
      expect(await t.app.store.getDestinationSecret(pd.id)).toBe('a-new-routing-key');
      // Other changes keep the secret without asking for it.
      expect((await call('PATCH', `/api/destinations/${hook.id}`, { minSeverity: 'LOW' })).status).toBe(200);
    } finally {
      await other.close();
    }
  });

  it('an unknown field in a PATCH or POST body is a 400 naming it, never dropped silently', async () => {
    const created = (await call('POST', '/api/destinations', webhook())).body as DestinationView;
    const patched = await call('PATCH', `/api/destinations/${created.id}`, { enabled: false, minSeverty: 'LOW' });
    expect(patched.status).toBe(400);
    expect(patched.body).toMatchObject({ fields: [expect.objectContaining({ field: 'minSeverty' })] });
    expect((await t.app.store.getDestination(created.id))?.enabled).toBe(true);
    const posted = await call('POST', '/api/destinations', { ...webhook(), name: 'Other', colour: 'red' });
    expect(posted.status).toBe(400);
    expect(posted.body).toMatchObject({ fields: [expect.objectContaining({ field: 'colour' })] });
  });

  it('rejects invalid destinations with 400 and the field, a duplicate name with 409', async () => {
    const cases: [object, string][] = [
      [{ kind: 'webhook' }, 'name'],
      [{ name: 'x', kind: 'email' }, 'kind'],
      [{ ...webhook(), minSeverity: 'URGENT' }, 'minSeverity'],
      [{ ...webhook(), url: undefined }, 'url'],
      [{ ...webhook(), url: 'ftp://example.com/hook' }, 'url'],
      [{ ...webhook(), secret: 'short' }, 'secret'],
      [{ ...webhook(), secret: undefined }, 'secret'],
      [{ ...webhook(), ruleIds: ['Zoom.Nope'] }, 'ruleIds'],
      [{ name: 'Slack', kind: 'slack', secret: 'not a url' }, 'secret'],
      [{ name: '   ', kind: 'log' }, 'name'],
    ];
    for (const [payload, field] of cases) {
      const res = await call('POST', '/api/destinations', payload);
      expect(res.status, JSON.stringify(payload)).toBe(400);
      expect(
        (res.body as { fields: { field: string }[] }).fields.map((f) => f.field),
        JSON.stringify(payload),
      ).toContain(field);
    }
    const first = await call('POST', '/api/destinations', webhook());
    expect(first.status).toBe(201);
    const dup = await call('POST', '/api/destinations', webhook());
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({ code: 'duplicate_destination' });

    const other = (await call('POST', '/api/destinations', { name: 'Other', kind: 'log' })).body as DestinationView;
    expect((await call('PATCH', `/api/destinations/${other.id}`, { name: 'SOC webhook' })).status).toBe(409);
    expect((await call('PATCH', '/api/destinations/dst_nothere', { enabled: false })).status).toBe(404);
    const badUrl = await call('PATCH', `/api/destinations/${(first.body as DestinationView).id}`, { url: 'not a url' });
    expect(badUrl.status).toBe(400);
    expect(badUrl.body).toMatchObject({ fields: [{ field: 'url' }] });
  });

  it('sends a test alert to a live receiver (ok) and to a closed port (not ok)', async () => {
    const good = (await call('POST', '/api/destinations', webhook())).body as DestinationView;
    const result = await call('POST', `/api/destinations/${good.id}/test`);
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ ok: true, status: 200 } satisfies Partial<TestDeliveryResult>);
    expect(receiver.requests).toHaveLength(1);
    expect(receiver.requests[0]!.path).toBe('/hook');
    expect(JSON.parse(receiver.requests[0]!.body)).toMatchObject({ version: 1, alert: { ruleId: 'Zoomtrail.Test', title: 'Zoomtrail test alert' } });

    const closed = (await call('POST', '/api/destinations', { ...webhook(), name: 'Closed', url: `${await closedPortOrigin()}/hook` })).body as DestinationView;
    const failed = await call('POST', `/api/destinations/${closed.id}/test`);
    expect(failed.status).toBe(200);
    expect(failed.body).toMatchObject({ ok: false });
    expect((failed.body as TestDeliveryResult).message).not.toBe('');

    expect((await call('POST', '/api/destinations/dst_nothere/test')).status).toBe(404);
  });

  it("a test alert sent from the console says so and names the user; the result's message stands alone", async () => {
    const d = (await call('POST', '/api/destinations', webhook())).body as DestinationView;
    const result = await call('POST', `/api/destinations/${d.id}/test`);
    expect(result.body).toEqual({ ok: true, status: 200, message: `HTTP 200 from ${new URL(receiver.origin).host}` });
    const { alert } = JSON.parse(receiver.requests[0]!.body) as { alert: { description: string; runbook: string; context: Record<string, unknown> } };
    expect(alert.description).toBe('A test alert sent from the Zoomtrail console by admin to check this destination; nothing happened in Zoom.');
    expect(alert.runbook).toContain('from the Zoomtrail console by admin');
    expect(alert.context).toEqual({ sentFrom: 'console', sentBy: 'admin' });
    expect(JSON.stringify(alert)).not.toContain('zoomtrail destination test');
  });
});

describe('destinations routes: outbound address policy (no SSRF)', () => {
  let t: RouteTestServer;
  let receiver: Receiver;

  afterEach(async () => {
    await receiver.close();
    await t.close();
  });

  /** A route server with the production policy: ZOOMTRAIL_ALLOWED_NETWORKS as given, names resolved by `resolve`. */
  async function start(allowedNetworks: string[] = [], resolve?: ResolveHost) {
    t = await startRouteTestServer([{ plugin: destinationsRoutes, prefix: '/api' }], { outbound: outboundAccessFor({ allowedNetworks }, resolve ? { resolve } : {}) });
    receiver = await startReceiver();
  }
  async function call(method: 'POST' | 'PATCH', url: string, payload?: object) {
    const res = await t.server.inject({ method, url, ...(payload ? { payload } : {}) });
    return { status: res.statusCode, body: res.json<{ code?: string; message: string; fields?: { field: string; message: string }[] } & Partial<TestDeliveryResult>>() };
  }

  const REFUSED_HOSTS: [string, string][] = [
    ['127.0.0.1', 'loopback'],
    ['[::1]', 'loopback'],
    ['[::ffff:127.0.0.1]', 'loopback'],
    ['2130706433', 'loopback'],
    ['0x7f.1', 'loopback'],
    ['localhost', 'loopback'],
    ['169.254.169.254', 'link-local'],
    ['[fe80::1]', 'link-local'],
    ['10.0.0.8', 'private'],
    ['172.16.4.4', 'private'],
    ['192.168.0.10', 'private'],
    ['[fd00::5]', 'private'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['0.0.0.0', 'this network'],
    ['[64:ff9b::a9fe:a9fe]', 'link-local'],
    ['[2002:a00:1::]', 'private'],
  ];

  it.each(REFUSED_HOSTS)('refuses a webhook, PagerDuty or Slack URL on %s (%s) when saved: 400 naming the field and the reason', async (host, what) => {
    await start();
    const cases: [object, string][] = [
      [{ name: 'hook', kind: 'webhook', url: `https://${host}/hook`, secret: 'whsec-0123456789abcdef' }, 'url'],
      [{ name: 'pd', kind: 'pagerduty', url: `https://${host}/v2/enqueue`, secret: 'routing-key-0123456789' }, 'url'],
      [{ name: 'slack', kind: 'slack', secret: `https://${host}/services/T0/B0/slack-token-xyz` }, 'secret'],
    ];
    for (const [payload, field] of cases) {
      const res = await call('POST', '/api/destinations', payload);
      expect(res.status, JSON.stringify(payload)).toBe(400);
      expect(res.body.code).toBe('address_refused');
      expect(res.body.fields).toEqual([{ field, message: expect.stringContaining(what) as string }]);
      expect(res.body.message).toContain('ZOOMTRAIL_ALLOWED_NETWORKS');
      expect(res.body.message).not.toContain('slack-token-xyz');
    }
    expect(await t.app.store.listDestinations()).toEqual([]);

    const saved = await call('POST', '/api/destinations', { name: 'public', kind: 'webhook', url: 'https://hooks.example.com/hook', secret: 'whsec-0123456789abcdef' });
    expect(saved.status).toBe(201);
    const moved = await call('PATCH', `/api/destinations/${(saved.body as unknown as DestinationView).id}`, { url: `https://${host}/hook`, secret: 'whsec-0123456789abcdef' });
    expect(moved.status).toBe(400);
    expect(moved.body.code).toBe('address_refused');
  });

  it('saves and tests a loopback receiver when ZOOMTRAIL_ALLOWED_NETWORKS names its network', async () => {
    await start(['127.0.0.0/8']);
    const created = await call('POST', '/api/destinations', { name: 'local', kind: 'webhook', url: `${receiver.origin}/hook`, secret: 'whsec-0123456789abcdef' });
    expect(created.status).toBe(201);
    const tested = await call('POST', `/api/destinations/${(created.body as unknown as DestinationView).id}/test`);
    expect(tested.body).toMatchObject({ ok: true, status: 200 });
    expect(await call('POST', '/api/destinations', { name: 'other', kind: 'webhook', url: 'https://10.1.1.1/hook', secret: 'whsec-0123456789abcdef' })).toMatchObject({
      status: 400,
    });
  });

  it('a host name that resolves to a refused address when the test runs (DNS rebinding) is refused then, and nothing is sent', async () => {
    await start([], async () => [{ address: '127.0.0.1', family: 4 }]);
    const url = `http://hooks.rebind.example:${new URL(receiver.origin).port}/hook`;
    const created = await call('POST', '/api/destinations', { name: 'rebinding', kind: 'webhook', url, secret: 'whsec-0123456789abcdef' });
    expect(created.status, 'a host name is judged when it is resolved').toBe(201);
    const tested = await call('POST', `/api/destinations/${(created.body as unknown as DestinationView).id}/test`);
    expect(tested.body).toMatchObject({ ok: false, status: null });
    expect(tested.body.message).toMatch(/hooks\.rebind\.example resolves to 127\.0\.0\.1 is a loopback address/);
    expect(receiver.requests).toHaveLength(0);
  });

  it("the test answer reports the status and fixed words, never the receiver's body; a redirect is not followed", async () => {
    await start(['127.0.0.0/8']);
    const other = await startReceiver();
    try {
      receiver.reply({ status: 500, body: '{"Code":"Success","AccessKeyId":"ASIA-metadata-credential"}' }, { status: 302, headers: { Location: `${other.origin}/stolen` } });
      const d = (await call('POST', '/api/destinations', { name: 'x', kind: 'webhook', url: `${receiver.origin}/hook`, secret: 'whsec-0123456789abcdef' }))
        .body as unknown as DestinationView;
      const echoed = await call('POST', `/api/destinations/${d.id}/test`);
      expect(echoed.body).toEqual({ ok: false, status: 500, message: `HTTP 500 from ${new URL(receiver.origin).host}: the receiver failed or is busy` });
      const redirected = await call('POST', `/api/destinations/${d.id}/test`);
      expect(redirected.body).toMatchObject({ ok: false, status: 302 });
      expect(other.requests).toHaveLength(0);
    } finally {
      await other.close();
    }
  });
});
