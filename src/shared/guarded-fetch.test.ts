import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createGuardedFetch, OutboundAddressRefusedError, type ResolveHost } from './guarded-fetch.js';
import { createOutboundAddressPolicy } from './outbound-address-policy.js';

interface TestServer {
  port: number;
  requests: IncomingMessage[];
  close(): Promise<void>;
}

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** An HTTP server on 127.0.0.1 answering `status` (and `location`), recording each request. */
async function listen(status = 200, location?: string): Promise<TestServer> {
  const requests: IncomingMessage[] = [];
  const server: Server = createServer((request, response) => {
    requests.push(request);
    response.writeHead(status, location ? { location } : {});
    response.end('internal answer');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const testServer = {
    port: (server.address() as AddressInfo).port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  servers.push(testServer);
  return testServer;
}

/** A DNS that answers `addresses` for every name: what an attacker's name server does after the URL was saved. */
const resolvingTo =
  (...addresses: string[]): ResolveHost =>
  async () =>
    addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

describe('guarded fetch', () => {
  it('refuses a host name that resolves to a loopback address at connect time (DNS rebinding), before any request', async () => {
    const server = await listen();
    const policy = createOutboundAddressPolicy();
    expect(policy.refusalForUrl(`https://rebind.example.com:${server.port}/`), 'a host name passes the save-time check').toBeNull();
    const guarded = createGuardedFetch(policy, { resolve: resolvingTo('127.0.0.1') });
    const error = await guarded(`http://rebind.example.com:${server.port}/`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutboundAddressRefusedError);
    expect((error as Error).message).toMatch(/rebind\.example\.com resolves to 127\.0\.0\.1 is a loopback address/);
    expect(server.requests).toHaveLength(0);
  });

  it('connects to the resolved address when ZOOMTRAIL_ALLOWED_NETWORKS allows it, and only to allowed addresses', async () => {
    const server = await listen();
    const guarded = createGuardedFetch(createOutboundAddressPolicy({ allowedNetworks: ['127.0.0.0/8'] }), { resolve: resolvingTo('10.0.0.1', '127.0.0.1') });
    const response = await guarded(`http://receiver.example.com:${server.port}/hook`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(200);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.headers.host).toBe(`receiver.example.com:${server.port}`);
  });

  it('refuses a refused IP address in any URL form without connecting', async () => {
    const server = await listen();
    const guarded = createGuardedFetch(createOutboundAddressPolicy(), { resolve: resolvingTo('8.8.8.8') });
    for (const url of [`http://127.0.0.1:${server.port}/`, `http://2130706433:${server.port}/`, `http://0x7f.1:${server.port}/`, `http://[::ffff:127.0.0.1]:${server.port}/`]) {
      await expect(guarded(url), url).rejects.toBeInstanceOf(OutboundAddressRefusedError);
    }
    expect(server.requests).toHaveLength(0);
  });

  it('never follows a redirect, even when asked to: the caller sees the 3xx', async () => {
    const target = await listen();
    const redirecting = await listen(302, `http://127.0.0.1:${target.port}/elsewhere`);
    const guarded = createGuardedFetch(createOutboundAddressPolicy({ allowedNetworks: ['127.0.0.0/8'] }));
    const response = await guarded(`http://127.0.0.1:${redirecting.port}/token`, { method: 'POST', headers: { authorization: 'Basic c2VjcmV0' }, redirect: 'follow' });
    expect(response.status).toBe(302);
    expect(redirecting.requests).toHaveLength(1);
    expect(target.requests).toHaveLength(0);
  });

  it('takes a URL, not a Request (whose method and headers it would otherwise drop)', async () => {
    const guarded = createGuardedFetch(createOutboundAddressPolicy());
    await expect(guarded(new Request('https://example.com/'))).rejects.toThrow(/not a Request/);
  });
});
