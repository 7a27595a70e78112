import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { utcDay } from '../src/shared/clock.js';
import { ZoomSimulator } from '../src/zoom-sim/zoom-simulator.js';
import { runCli, spawnCli, waitUntil, type CliChild } from './support/cli-child.js';

/** Runs the built CLI to its end (in the parent's environment without DATABASE_URL and ZOOMTRAIL_*, plus `env`). */
function zoomtrail(args: string[], env: Record<string, string> = {}) {
  return runCli(args, env);
}

/** Starts a long-running command; it is killed after the test even when the test timed out. */
function startCli(args: string[], env: Record<string, string> = {}): CliChild {
  const run = spawnCli(args, env);
  children.push(run);
  return run;
}

/** Everything `read` returned once `pattern` shows up in it; fails if the child exits first or after `timeoutMs`. */
async function waitForOutput(run: CliChild, read: () => string, pattern: RegExp, timeoutMs = 30_000): Promise<string> {
  await waitUntil(() => pattern.test(read()) || run.done(), timeoutMs, 20);
  if (!pattern.test(read())) throw new Error(`no ${pattern} in the output${run.done() ? ' before the command exited' : ` after ${timeoutMs} ms`}: ${read().slice(-2000)}`);
  return read();
}

let sim: ZoomSimulator | undefined;
/** Long-running children, killed after each test even when it timed out (a timeout skips the test's own finally). */
const children: CliChild[] = [];
afterEach(async () => {
  for (const run of children.splice(0)) run.child.kill('SIGKILL');
  await sim?.close();
  sim = undefined;
});

const SECRET = 'cli-test-secret-5f4e3d';

async function simWithApp() {
  sim = await ZoomSimulator.start({ logger: false });
  const today = utcDay(Date.now());
  const from = utcDay(Date.now() - 20 * 86_400_000);
  sim.addAccount({ accountId: 'cli-acct', plan: 'pro', generated: { seed: 5, fromDay: from, toDay: today, volume: { activities: 500, operations: 80 } } });
  sim.addApp({ clientId: 'CLI_APP', clientSecret: SECRET, accountId: 'cli-acct', kind: 's2s' });
  return sim;
}

describe('zoomtrail CLI', () => {
  it('pull prints a window as NDJSON, exactly what Zoom holds', async () => {
    const s = await simWithApp();
    // Days wholly in the past, so the answer cannot change while the test runs.
    const from = utcDay(Date.now() - 5 * 86_400_000);
    const to = utcDay(Date.now() - 2 * 86_400_000);
    const out = await zoomtrail(
      [
        'pull',
        '--log-type',
        'Zoom.Activity',
        '--from',
        from,
        '--to',
        to,
        '--account-id',
        'cli-acct',
        '--client-id',
        'CLI_APP',
        '--api-url',
        s.apiUrl,
        '--oauth-url',
        s.baseUrl,
        '--rps',
        '20',
      ],
      { ZOOMTRAIL_CLIENT_SECRET: SECRET },
    );
    expect(out.stderr).toMatch(/\d+ records, \d+ pages/);
    expect(out.code).toBe(0);
    const lines = out.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as unknown);
    expect(lines.length).toBe(s.account('cli-acct').groundTruth('Zoom.Activity', from, to).length);
  });

  it('a wrong secret exits 3 with an error and a fix, and never prints the secret', async () => {
    const s = await simWithApp();
    const day = utcDay(Date.now() - 86_400_000);
    const out = await zoomtrail([
      'pull',
      '--log-type',
      'Zoom.Operation',
      '--from',
      day,
      '--to',
      day,
      '--account-id',
      'cli-acct',
      '--client-id',
      'CLI_APP',
      '--client-secret',
      'wrong-secret-abcdef',
      '--api-url',
      s.apiUrl,
      '--oauth-url',
      s.baseUrl,
    ]);
    expect(out.code).toBe(3);
    expect(out.stderr).toMatch(/^error: .*Client ID and Client Secret/m);
    expect(out.stderr).toMatch(/^fix: /m);
    expect(out.stderr + out.stdout).not.toContain('wrong-secret-abcdef');
  });

  it.each([
    [['pull', '--log-type', 'Zoom.Activity', '--from', '2026-03-01', '--to', '2026-03-02'], /missing --account-id/],
    [['pull', '--log-type', 'Zoom.Nope', '--from', '2026-03-01', '--to', '2026-03-02'], /--log-type must be/],
    [['pull', '--log-type', 'Zoom.Activity', '--from', '2026-02-30', '--to', '2026-03-02'], /--from must be a date/],
    [['pull', '--log-type', 'Zoom.Activity', '--from', '2026-01-01', '--to', '2026-03-02', '--account-id', 'a', '--client-id', 'b', '--client-secret', 'c'], /at most one month/],
    [
      [
        'pull',
        '--log-type',
        'Zoom.Activity',
        '--from',
        '2026-03-01',
        '--to',
        '2026-03-02',
        '--account-id',
        'a',
        '--client-id',
        'b',
        '--client-secret',
        'c',
        '--api-url',
        'not a url',
      ],
      /API URL "not a url" is not a URL/,
    ],
  ])('bad invocation %j exits 2 naming the problem', async (args, message) => {
    const out = await zoomtrail(args);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(message);
  });

  it("a developer's DATABASE_URL and ZOOMTRAIL_* never reach a CLI child: it keeps to its own SQLite store", async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'zoomtrail-env-'));
    const saved = { DATABASE_URL: process.env.DATABASE_URL, ZOOMTRAIL_CONFIG: process.env.ZOOMTRAIL_CONFIG };
    // What a developer may have exported in the shell running the tests: their own database and config file.
    // Passed on, the child would write to that database (here: fail to reach it) or fail to read that file.
    process.env.DATABASE_URL = 'postgres://developer@127.0.0.1:1/their_own_db';
    process.env.ZOOMTRAIL_CONFIG = path.join(dataDir, 'their-config.yml');
    try {
      const out = await zoomtrail(['source', 'list', '--data-dir', dataDir]);
      expect(out.stderr).toBe('');
      expect(out.code).toBe(0);
      expect(out.stdout).toMatch(/^No sources yet/);
      expect(existsSync(path.join(dataDir, 'zoomtrail.db'))).toBe(true);
    } finally {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('start with no sources says how to add one, keeps running, and stops cleanly on SIGTERM', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'zoomtrail-start-'));
    const run = startCli(['start', '--port', '0', '--data-dir', dataDir], { ZOOMTRAIL_LOG_LEVEL: 'info' });
    try {
      const stderr = await waitForOutput(run, run.stderr, /No sources yet/);
      expect(stderr).toMatch(/source add --help/);
      run.child.kill('SIGTERM');
      expect((await run.exited).code).toBe(0);
      expect(statSync(path.join(dataDir, 'secret.key')).mode & 0o777).toBe(0o600);
    } finally {
      run.child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('start --demo: a simulated account and its source; events and alerts are stored within seconds', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'zoomtrail-demo-'));
    const run = startCli(['start', '--demo', '--sim-port', '0', '--port', '0', '--data-dir', dataDir], { ZOOMTRAIL_LOG_LEVEL: 'info' });
    try {
      const stderr = await waitForOutput(run, run.stderr, /"logType":"Zoom.Operation".*"msg":"window read"/, 50_000);
      const sourceId = /source (src_\w+) collects it/.exec(stderr)![1]!;
      // The demo history holds risky changes: the rules raise alerts as the backfill is stored.
      expect(stderr).toMatch(/"msg":"alert raised: /);
      run.child.kill('SIGTERM');
      expect((await run.exited).code).toBe(0);
      const out = await zoomtrail(['events', 'export', '--log-type', 'Zoom.Operation', '--source', sourceId, '--data-dir', dataDir]);
      expect(out.code).toBe(0);
      expect(out.stdout.trim().split('\n').length).toBeGreaterThan(10);
      const alerts = await zoomtrail(['alerts', 'list', '--format', 'ndjson', '--data-dir', dataDir]);
      expect(alerts.code).toBe(0);
      const rules = new Set(
        alerts.stdout
          .trim()
          .split('\n')
          .map((line) => (JSON.parse(line) as { ruleId: string }).ruleId),
      );
      expect(rules.size, [...rules].join(', ')).toBeGreaterThanOrEqual(3);
    } finally {
      run.child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('an unreachable Zoom exits 4 (try later)', async () => {
    const out = await zoomtrail(
      [
        'pull',
        '--log-type',
        'Zoom.Activity',
        '--from',
        '2026-03-01',
        '--to',
        '2026-03-01',
        '--account-id',
        'a',
        '--client-id',
        'b',
        '--api-url',
        'http://127.0.0.1:9/v2',
        '--oauth-url',
        'http://127.0.0.1:9',
      ],
      { ZOOMTRAIL_CLIENT_SECRET: 'whatever-secret-1' },
    );
    expect(out.code).toBe(4);
    expect(out.stderr).toMatch(/could not be reached/);
  }, 60_000);

  it('simulate prints its URLs and credentials; curl-style S2S token and paging through both reports work', async () => {
    const run = startCli(['simulate', '--port', '0', '--days', '3']);
    try {
      const banner = await waitForOutput(run, run.stdout, /Ctrl-C/);
      const base = /listening on (http:\/\/\S+)/.exec(banner)![1]!;
      const accountId = /Account ID:\s+(\S+)/.exec(banner)![1]!;
      const [, clientId, clientSecret] = /Client ID:\s+(\S+)\s+Client Secret:\s+(\S+)/.exec(banner)!;
      const tokenResponse = await fetch(`${base}/oauth/token`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}` },
        body: new URLSearchParams({ grant_type: 'account_credentials', account_id: accountId }),
      });
      const { access_token } = (await tokenResponse.json()) as { access_token: string };
      for (const [path, key] of [
        ['activities', 'activity_logs'],
        ['operationlogs', 'operation_logs'],
      ] as const) {
        const day = utcDay(Date.now() - 86_400_000);
        let token = '';
        let total = 0;
        do {
          const url = `${base}/v2/report/${path}?from=${day}&to=${day}&page_size=300${token ? `&next_page_token=${token}` : ''}`;
          const body = (await (await fetch(url, { headers: { authorization: `Bearer ${access_token}` } })).json()) as Record<string, unknown>;
          total += (body[key] as unknown[]).length;
          token = body.next_page_token as string;
        } while (token);
        expect(total).toBeGreaterThan(0);
      }
    } finally {
      run.child.kill('SIGTERM');
    }
  });
});
