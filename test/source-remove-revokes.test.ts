import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openApp } from '../src/app/app-context.js';
import { sourcesRoutes } from '../src/api/routes/sources-routes.js';
import { startRouteTestServer } from '../src/api/route-test-server.test-support.js';
import { buildProgram } from '../src/cli/build-program.js';
import { resolveRuntimeConfig } from '../src/config/runtime-config.js';
import { sampleSource } from '../src/store/store-contract.test-support.js';
import type { Store } from '../src/store/store.js';
import { postForm } from '../src/zoom-sim/sim-client.test-support.js';
import { completeAuthorization, createAuthorizationRequest } from '../src/zoom/authorization-code-flow.js';
import { SecretRedactor } from '../src/zoom/secret-redactor.js';
import { approveInBrowser } from './support/approve-in-browser.js';
import { type Harness, OAUTH_APP, startHarness } from './support/sim-harness.js';
import { TEST_ALLOWED_NETWORKS } from './support/cli-child.js';

/** Removing an authorized OAuth source revokes its refresh token at Zoom, from the console's API and from `zoomtrail source remove` alike. */

let h: Harness;
let refreshToken: string;
beforeEach(async () => {
  h = await startHarness({ volume: { activities: 10, operations: 10 } });
  const endpoints = { apiUrl: h.sim.apiUrl, oauthUrl: h.sim.baseUrl };
  const pending = createAuthorizationRequest(endpoints, OAUTH_APP.clientId, OAUTH_APP.redirectUri, h.clock);
  const callback = await approveInBrowser(pending.url);
  const tokens = await completeAuthorization({ endpoints, credentials: OAUTH_APP, pending, callback, clock: h.clock, redactor: new SecretRedactor() });
  refreshToken = tokens.refreshToken!;
});
afterEach(async () => h.close());

async function addAuthorizedSource(store: Store): Promise<string> {
  const source = await store.createSource(
    sampleSource({
      name: 'OAuth app',
      authKind: 'authorization_code',
      zoomAccountId: null,
      clientId: OAUTH_APP.clientId,
      apiUrl: h.sim.apiUrl,
      oauthUrl: h.sim.baseUrl,
      credentials: { clientSecret: OAUTH_APP.clientSecret, refreshToken },
    }),
  );
  return source.id;
}

async function expectRevoked(): Promise<void> {
  expect(h.sim.requestCount({ pathPrefix: '/oauth/revoke', status: 200 })).toBe(1);
  const refresh = await postForm(h.sim, '/oauth/token', { grant_type: 'refresh_token', refresh_token: refreshToken }, OAUTH_APP);
  expect(refresh.status).toBe(400);
}

describe('removing an authorized source revokes its refresh token at Zoom', () => {
  it('DELETE /api/sources/:id', async () => {
    const t = await startRouteTestServer([{ plugin: sourcesRoutes, prefix: '/api' }]);
    try {
      const id = await addAuthorizedSource(t.app.store);
      expect((await t.server.inject({ method: 'DELETE', url: `/api/sources/${id}` })).statusCode).toBe(204);
      await expectRevoked();
    } finally {
      await t.close();
    }
  });

  it('zoomtrail source remove', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'zoomtrail-remove-'));
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    // The simulator listens on loopback: allowed as every CLI test allows it (test/support/cli-child.ts).
    vi.stubEnv('ZOOMTRAIL_ALLOWED_NETWORKS', TEST_ALLOWED_NETWORKS);
    try {
      const app = await openApp(resolveRuntimeConfig({ dataDir, env: {} }));
      const id = await addAuthorizedSource(app.store);
      await app.close();

      await buildProgram().parseAsync(['node', 'zoomtrail', 'source', 'remove', id, '--data-dir', dataDir]);
      expect(process.exitCode).toBe(0);
      const printed = stderr.mock.calls.map(([chunk]) => String(chunk)).join('');
      expect(printed).toContain(`Removed source ${id} and its events.`);
      expect(printed).toContain('Revoked its authorization at Zoom.');
      await expectRevoked();
    } finally {
      stderr.mockRestore();
      vi.unstubAllEnvs();
      process.exitCode = undefined;
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
