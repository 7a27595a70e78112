import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../src/shared/logger.js';
import { completeAuthorization, createAuthorizationRequest } from '../src/zoom/authorization-code-flow.js';
import { ACTIVITY_STREAM } from '../src/zoom/report-records.js';
import { SecretRedactor } from '../src/zoom/secret-redactor.js';
import { approveInBrowser } from './support/approve-in-browser.js';
import { captureFetch, type WireEntry } from './support/capture-fetch.js';
import { ACCOUNT_ID, clientFor, drainWindow, type Harness, OAUTH_APP, S2S, s2sAuth, startHarness } from './support/sim-harness.js';

let h: Harness;
afterEach(async () => h?.close());

describe('secrets never leak', () => {
  it('no client secret, token, verifier or Authorization header appears in logs, errors or their JSON', async () => {
    h = await startHarness({ accessTokenTtlSeconds: 60, volume: { activities: 400, operations: 50 } });
    const logLines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        logLines.push(String(chunk));
        done();
      },
    });
    const logger = createLogger({ level: 'trace' }, sink);
    const wire: WireEntry[] = [];
    const fetchImpl = captureFetch(wire);
    const surfaced: string[] = [];
    const record = (error: unknown) => {
      const e = error as Error & { toJSON?: () => unknown; fix?: string };
      surfaced.push(e.message, e.stack ?? '', e.fix ?? '', JSON.stringify(e.toJSON?.() ?? {}), String(e));
      logger.error({ err: e }, 'surfaced');
    };

    // A run with faults, token renewals and rate limits.
    Object.assign(h.sim.faults, { http5xx: 0.15, http429: 0.15, reset: 0.05, truncated: 0.05, nonJson: 0.05 });
    await drainWindow(clientFor(h, s2sAuth(), { logger, fetchImpl, retry: { maxAttempts: 30 } }).client, ACTIVITY_STREAM, { from: '2026-03-01', to: '2026-03-09' });
    Object.assign(h.sim.faults, { http5xx: 0, http429: 0, reset: 0, truncated: 0, nonJson: 0 });

    // Authorization-code flow with rotation.
    const endpoints = { apiUrl: h.sim.apiUrl, oauthUrl: h.sim.baseUrl };
    const pending = createAuthorizationRequest(endpoints, OAUTH_APP.clientId, OAUTH_APP.redirectUri, h.clock);
    const callback = await approveInBrowser(pending.url);
    const tokens = await completeAuthorization({ endpoints, credentials: OAUTH_APP, pending, callback, clock: h.clock, redactor: new SecretRedactor(), fetchImpl });
    const oauthClient = clientFor(h, { kind: 'authorization_code', ...OAUTH_APP, refreshToken: tokens.refreshToken!, persist: async () => {} }, { logger, fetchImpl });
    h.clock.advance(120_000);
    await drainWindow(oauthClient.client, ACTIVITY_STREAM, { from: '2026-03-09', to: '2026-03-09' });

    // Failures of every kind, surfaced and logged.
    await drainWindow(clientFor(h, s2sAuth({ clientSecret: 'wrong-but-secret-value-77' }), { logger, fetchImpl }).client, ACTIVITY_STREAM, {
      from: '2026-03-09',
      to: '2026-03-09',
    }).catch(record);
    h.sim.faults.http5xx = 1;
    await drainWindow(clientFor(h, s2sAuth(), { logger, fetchImpl, retry: { maxAttempts: 2 } }).client, ACTIVITY_STREAM, { from: '2026-03-09', to: '2026-03-09' }).catch(record);
    h.sim.faults.http5xx = 0;
    h.sim.account(ACCOUNT_ID).setScopes(S2S.clientId, []);
    await drainWindow(clientFor(h, s2sAuth(), { logger, fetchImpl }).client, ACTIVITY_STREAM, { from: '2026-03-09', to: '2026-03-09' }).catch(record);
    h.sim.revokeAllTokens(OAUTH_APP.clientId);
    h.clock.advance(3600_000);
    await drainWindow(oauthClient.client, ACTIVITY_STREAM, { from: '2026-03-09', to: '2026-03-09' }).catch(record);
    await oauthClient.tokens.getAccessToken().catch(record);
    expect(surfaced.length).toBeGreaterThanOrEqual(5 * 5);

    // Everything secret that crossed the wire.
    const secrets = new Set<string>([S2S.clientSecret, OAUTH_APP.clientSecret, 'wrong-but-secret-value-77', pending.codeVerifier]);
    for (const entry of wire) {
      if (entry.authorization) {
        secrets.add(entry.authorization);
        secrets.add(entry.authorization.replace(/^(Bearer|Basic) /, ''));
      }
      for (const key of ['access_token', 'refresh_token']) {
        const value = /"(?:access_token|refresh_token)"/.test(entry.responseBody ?? '') ? (JSON.parse(entry.responseBody!) as Record<string, string>)[key] : undefined;
        if (value) secrets.add(value);
      }
      const sent = new URLSearchParams(entry.requestBody ?? '');
      for (const key of ['refresh_token', 'code', 'code_verifier']) if (sent.get(key)) secrets.add(sent.get(key)!);
    }
    expect(secrets.size).toBeGreaterThan(10);
    const haystack = [...logLines, ...surfaced].join('\n');
    expect(logLines.length).toBeGreaterThan(10);
    for (const secret of secrets) expect(haystack.includes(secret), `leaked: ${secret.slice(0, 6)}…`).toBe(false);
  });
});
