import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { checkSource } from '../src/cli/source-command.js';
import { SOURCE_DEFAULTS } from '../src/collect/source-defaults.js';
import type { NewSource } from '../src/store/store.js';
import { MissingScopeError, WrongCredentialsError, ZoomUnavailableError } from '../src/zoom/zoom-errors.js';
import { ACCOUNT_ID, S2S, startHarness, type Harness } from './support/sim-harness.js';
import { loopbackOutbound } from '../src/app/outbound-access.test-support.js';

/**
 * `zoomtrail source add`'s live check against the simulator on a manual
 * clock: Zoom's transient faults are retried for a few seconds (said on a
 * terminal), refusals fail at once with their fix.
 */

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const logger = pino({ level: 'silent' });

function input(h: Harness, overrides: Partial<{ clientId: string; clientSecret: string }> = {}): NewSource {
  return {
    ...SOURCE_DEFAULTS,
    name: 'check',
    authKind: 's2s',
    zoomAccountId: ACCOUNT_ID,
    clientId: overrides.clientId ?? S2S.clientId,
    apiUrl: h.sim.apiUrl,
    oauthUrl: h.sim.baseUrl,
    paused: false,
    dropOffAlarmMinutes: null,
    credentials: { clientSecret: overrides.clientSecret ?? S2S.clientSecret },
  };
}

/** A stand-in for stderr: a terminal or not, recording what is written. */
function stderr(isTTY: boolean): { isTTY: boolean; lines: string[]; write(text: string): boolean } {
  const lines: string[] = [];
  return { isTTY, lines, write: (text: string) => lines.push(text) > 0 };
}

const reportRequests = (h: Harness) => h.sim.requests.filter((r) => r.path.startsWith('/v2/report/'));

describe('source add: the live check', () => {
  it('rides out Zoom\'s transient faults (5xx, a reset, per-second 429s) and says "retrying" on a terminal', async () => {
    h = await startHarness();
    h.sim.failNext('http5xx', 3, { path: '/v2/report/activities' });
    h.sim.failNext('reset', 1, { path: '/v2/report/operationlogs' });
    h.sim.failNext('http429', 2, { path: '/v2/report/operationlogs' });
    const err = stderr(true);
    const started = h.clock.now();
    await expect(checkSource({ clock: h.clock, logger, outbound: loopbackOutbound() }, input(h), err)).resolves.toBeUndefined();
    expect(err.lines.filter((l) => /retrying/.test(l))).toHaveLength(6);
    expect(err.lines[0]).toMatch(/Sign In\/Sign Out report request \(HTTP 50\d\); retrying/);
    expect(h.clock.now() - started, 'waited a few seconds, not minutes').toBeLessThan(15_000);
  });

  it('says nothing when stderr is not a terminal (scripts), and still retries', async () => {
    h = await startHarness();
    h.sim.failNext('http5xx', 2, { path: '/v2/report/activities' });
    const err = stderr(false);
    await expect(checkSource({ clock: h.clock, logger, outbound: loopbackOutbound() }, input(h), err)).resolves.toBeUndefined();
    expect(err.lines).toEqual([]);
  });

  it('gives up on a Zoom that keeps failing after a bounded number of tries and a few seconds', async () => {
    h = await startHarness();
    h.sim.failNext('http5xx', 100, { path: '/v2/report/activities' });
    const started = h.clock.now();
    const error = await checkSource({ clock: h.clock, logger, outbound: loopbackOutbound() }, input(h), stderr(true)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZoomUnavailableError);
    expect(reportRequests(h)).toHaveLength(4);
    expect(h.clock.now() - started).toBeLessThan(10_000);
  });

  it('fails at once, with its fix, on wrong credentials and on a missing scope', async () => {
    h = await startHarness();
    const wrong = await checkSource({ clock: h.clock, logger, outbound: loopbackOutbound() }, input(h, { clientSecret: 'not-the-secret-000000' }), stderr(true)).catch(
      (e: unknown) => e,
    );
    expect(wrong).toBeInstanceOf(WrongCredentialsError);
    expect((wrong as WrongCredentialsError).fix).not.toBe('');
    expect(h.sim.requests.filter((r) => r.path === '/oauth/token')).toHaveLength(1);

    h.sim.addApp({ clientId: 'NARROW_ID', clientSecret: 'narrow-secret-0123456789', accountId: ACCOUNT_ID, kind: 's2s', scopes: ['user:read:admin'] });
    const err = stderr(true);
    const narrow = await checkSource(
      { clock: h.clock, logger, outbound: loopbackOutbound() },
      input(h, { clientId: 'NARROW_ID', clientSecret: 'narrow-secret-0123456789' }),
      err,
    ).catch((e: unknown) => e);
    expect(narrow).toBeInstanceOf(MissingScopeError);
    expect((narrow as MissingScopeError).fix).toMatch(/report:read/);
    expect(err.lines).toEqual([]);
  });
});
