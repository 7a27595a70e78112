import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../src/shared/clock.js';
import { openSqliteStore } from '../src/store/sqlite-store.js';
import { BIN, childEnv, runCli, spawnCli, waitUntil, type CliChild } from './support/cli-child.js';

/**
 * `zoomtrail start` as a process: the port and public URL it uses, what it
 * says when a port is taken, the demo's OAuth app and paused source, and where
 * its logs go. Readiness is read from the output, never waited for by time.
 */

const READY_MS = 90_000;
/** Per test: a few process starts, each allowed READY_MS under load. */
const TEST_MS = 240_000;
const children: { kill(signal?: NodeJS.Signals): unknown }[] = [];
const dirs: string[] = [];
const blockers: Server[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  await Promise.all(blockers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

function tempDataDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'zoomtrail-start-test-'));
  dirs.push(dir);
  return dir;
}

/** Starts the CLI and waits until its stderr matches `ready`; fails with the output if it exits or takes too long. */
async function startUntil(args: string[], env: Record<string, string | undefined>, ready: RegExp): Promise<CliChild> {
  const run = spawnCli(args, env);
  children.push(run.child);
  const seen = await waitUntil(() => ready.test(run.stderr()) || run.done(), READY_MS, 20);
  if (!seen || !ready.test(run.stderr())) throw new Error(`no ${ready} on stderr (exited: ${run.done()}):\n${run.stderr().slice(-3000)}`);
  return run;
}

async function stop(run: CliChild): Promise<void> {
  run.child.kill('SIGTERM');
  const result = await run.exited;
  expect(result.code, result.stderr.slice(-2000)).toBe(0);
}

/** A port held by this test process, as another program would hold it. */
async function takenPort(): Promise<number> {
  const server = createServer();
  blockers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return address.port;
}

const consoleLine = (stderr: string) => /console at (\S+) \(listening on (\S+)\)/.exec(stderr);
/** The human line, not the JSON log line that says "console at" first (stderr carries both when it is not a terminal). */
const CONSOLE_READY = /console at \S+ \(listening on \S+\)/;

describe('zoomtrail start: public URL', { timeout: TEST_MS }, () => {
  it('an explicit ZOOMTRAIL_PUBLIC_URL (a reverse proxy) is used for links and the Redirect URL, whatever --port', async () => {
    const dataDir = tempDataDir();
    // The proxy's address happens to be localhost:8080, the default port; Zoomtrail listens elsewhere.
    const run = await startUntil(['start', '--demo', '--sim-port', '0', '--port', '0', '--data-dir', dataDir], { ZOOMTRAIL_PUBLIC_URL: 'http://localhost:8080' }, CONSOLE_READY);
    const [, publicUrl, listening] = consoleLine(run.stderr())!;
    expect(publicUrl).toBe('http://localhost:8080');
    expect(listening).not.toBe('http://127.0.0.1:8080');
    expect(run.stderr()).toMatch(/Open this link to create the admin account: http:\/\/localhost:8080\/setup\?token=/);
    expect(run.stderr()).toMatch(/its Redirect URL is http:\/\/localhost:8080\/oauth\/callback\./);
    await stop(run);
  });

  it('with no public URL set, links follow the host and port actually listened on', async () => {
    const dataDir = tempDataDir();
    const run = await startUntil(['start', '--port', '0', '--host', '0.0.0.0', '--data-dir', dataDir], {}, CONSOLE_READY);
    const [, publicUrl, listening] = consoleLine(run.stderr())!;
    const port = new URL(listening!).port;
    expect(publicUrl).toBe(`http://localhost:${port}`);
    expect(run.stderr()).toContain(`Open this link to create the admin account: http://localhost:${port}/setup?token=`);
    await stop(run);
  });
});

describe('zoomtrail start: a port in use', { timeout: TEST_MS }, () => {
  it('the console port taken: exit 2 with the error and a fix naming --port, and no setup link', async () => {
    const port = await takenPort();
    const result = await runCli(['start', '--port', String(port), '--data-dir', tempDataDir()], {}, { timeoutMs: READY_MS });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain(`error: The API and console cannot listen on 127.0.0.1:${port}: the port is already in use`);
    expect(result.stderr).toMatch(new RegExp(`\\nfix: .*--port ${port + 1} \\(or ZOOMTRAIL_PORT=${port + 1}\\)`));
    expect(result.stderr).not.toMatch(/Open this link|setup\?token=/);
  });

  it('the demo simulator port taken: exit 2, and the fix names --sim-port', async () => {
    const port = await takenPort();
    const result = await runCli(['start', '--demo', '--sim-port', String(port), '--port', '0', '--data-dir', tempDataDir()], {}, { timeoutMs: READY_MS });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain(`error: The demo simulator cannot listen on 127.0.0.1:${port}: the port is already in use`);
    expect(result.stderr).toMatch(new RegExp(`\\nfix: .*--sim-port ${port + 1}; --sim-port 0 picks a free one`));
  });

  it('zoomtrail simulate on a taken port: exit 2, and the fix names --port', async () => {
    const port = await takenPort();
    const result = await runCli(['simulate', '--port', String(port), '--days', '1', '--no-live'], {}, { timeoutMs: READY_MS });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain(`error: The Zoom simulator cannot listen on 127.0.0.1:${port}: the port is already in use`);
    expect(result.stderr).toMatch(new RegExp(`\\nfix: .*--port ${port + 1}`));
  });
});

describe('zoomtrail start --demo: the simulated account', { timeout: TEST_MS }, () => {
  it("registers the console's own Redirect URL (any port), and a refused one leads back to the console", async () => {
    const dataDir = tempDataDir();
    const run = await startUntil(['start', '--demo', '--sim-port', '0', '--port', '0', '--data-dir', dataDir], {}, CONSOLE_READY);
    const [, publicUrl] = consoleLine(run.stderr())!;
    expect(publicUrl).not.toBe('http://localhost:8080');
    const [, oauthUrl] = /OAuth URL (\S+), API URL/.exec(run.stderr())!;
    const authorize = (redirectUri: string) =>
      fetch(`${oauthUrl}/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: 'demo-oauth-client-id', redirect_uri: redirectUri, state: 's' }).toString()}`, {
        redirect: 'manual',
      });

    const consent = await authorize(`${publicUrl}/oauth/callback`);
    expect(consent.status).toBe(200);
    expect(await consent.text()).toContain('name="decision" value="approve"');

    const refused = await authorize('http://localhost:1/oauth/callback');
    expect(refused.status).toBe(400);
    const page = await refused.text();
    expect(page).toContain('redirect_uri is not registered');
    expect(page).toContain(`<code>${publicUrl}/oauth/callback</code>`);
    expect(page).toContain(`<a href="${publicUrl}/sources"`);
    await stop(run);
  });

  it('collects its own simulator on loopback with no ZOOMTRAIL_ALLOWED_NETWORKS: --demo allows that origin by itself', async () => {
    const dataDir = tempDataDir();
    const env = { ZOOMTRAIL_ALLOWED_NETWORKS: undefined };
    const run = await startUntil(['start', '--demo', '--sim-port', '0', '--port', '0', '--data-dir', dataDir], env, CONSOLE_READY);
    const sourceId = /source (src_\w+) collects it/.exec(run.stderr())![1]!;
    const collected = async () => {
      const list = await runCli(['source', 'list', '--format', 'json', '--data-dir', dataDir], env);
      const sources = JSON.parse(list.stdout || '[]') as { id: string; streams: { lastSuccessAt: number | null }[] }[];
      return sources.find((s) => s.id === sourceId)?.streams.some((st) => st.lastSuccessAt !== null) ?? false;
    };
    expect(await waitUntil(collected, READY_MS, 500), run.stderr().slice(-3000)).toBe(true);
    expect(run.stderr()).not.toMatch(/Connection refused by Zoomtrail/);
    await stop(run);
  });

  it('restarting with --demo keeps a demo source the user paused paused', async () => {
    const dataDir = tempDataDir();
    const first = await startUntil(['start', '--demo', '--sim-port', '0', '--port', '0', '--data-dir', dataDir], {}, CONSOLE_READY);
    const sourceId = /source (src_\w+) collects it/.exec(first.stderr())![1]!;
    await stop(first);

    const store = await openSqliteStore({ dataDir, clock: systemClock });
    await store.updateSource(sourceId, { paused: true });
    await store.close();

    const second = await startUntil(['start', '--demo', '--sim-port', '0', '--port', '0', '--data-dir', dataDir], {}, CONSOLE_READY);
    expect(second.stderr()).toContain(`source ${sourceId} reads it but stays paused, as you left it`);
    await stop(second);
    const after = await openSqliteStore({ dataDir, clock: systemClock });
    try {
      expect((await after.getSource(sourceId))?.paused).toBe(true);
    } finally {
      await after.close();
    }
  });
});

/** Output lines that are JSON log lines. */
const jsonLines = (text: string) => text.split(/\r?\n/).filter((line) => line.trimStart().startsWith('{"level"'));

const hasScript = spawnSync('script', ['--version']).status === 0;

describe('zoomtrail start: logs', { timeout: TEST_MS }, () => {
  it('not on a terminal (systemd, docker): JSON logs on stderr, as before', async () => {
    const run = await startUntil(['start', '--port', '0', '--data-dir', tempDataDir()], {}, CONSOLE_READY);
    await waitUntil(() => jsonLines(run.stderr()).some((line) => line.includes('"msg":"console at ')), READY_MS, 20);
    expect(jsonLines(run.stderr()).some((line) => line.includes('"msg":"console at '))).toBe(true);
    expect(run.stderr()).not.toMatch(/^Logs: /m);
    await stop(run);
  });

  it('--log-format file: only human lines on stderr; the JSON logs are in <data dir>/zoomtrail.log, and the output says so', async () => {
    const dataDir = tempDataDir();
    const run = await startUntil(['start', '--port', '0', '--data-dir', dataDir, '--log-format', 'file'], {}, CONSOLE_READY);
    const logFile = path.join(dataDir, 'zoomtrail.log');
    expect(run.stderr()).toContain(`Logs: ${logFile} (JSON lines; --log-format json shows them here instead)`);
    await stop(run);
    expect(jsonLines(run.stderr())).toEqual([]);
    expect(jsonLines(readFileSync(logFile, 'utf8')).some((line) => line.includes('"msg":"console at '))).toBe(true);
  });

  it('ZOOMTRAIL_LOG_FORMAT=banana is refused with exit 2 and a fix', async () => {
    const result = await runCli(['start', '--port', '0', '--data-dir', tempDataDir()], { ZOOMTRAIL_LOG_FORMAT: 'banana' }, { timeoutMs: READY_MS });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/error: Log format "banana" is not one of json, file\.\nfix: /);
  });

  /** Runs the CLI on a pseudo-terminal (util-linux `script`); resolves with what the terminal showed once `ready` appears. */
  async function onTerminal(args: string[], env: Record<string, string>, ready: RegExp): Promise<string> {
    const command = [process.execPath, BIN, ...args].map((word) => `'${word.replace(/'/g, "'\\''")}'`).join(' ');
    const child: ChildProcess = spawn('script', ['-qefc', command, '/dev/null'], { env: childEnv(env), stdio: ['pipe', 'pipe', 'pipe'] });
    children.push(child);
    let screen = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (screen += chunk));
    let exited = false;
    child.once('exit', () => (exited = true));
    await waitUntil(() => ready.test(screen) || exited, READY_MS, 20);
    if (!ready.test(screen)) throw new Error(`no ${ready} on the terminal (exited: ${exited}):\n${screen.slice(-3000)}`);
    child.kill('SIGTERM');
    return screen;
  }

  it.skipIf(!hasScript)('on a terminal: human lines only, and where the JSON logs are', async () => {
    const dataDir = tempDataDir();
    const screen = await onTerminal(['start', '--demo', '--sim-port', '0', '--port', '0', '--data-dir', dataDir], {}, /console at .*\r?\n/);
    expect(screen).toContain(`Logs: ${path.join(dataDir, 'zoomtrail.log')}`);
    expect(screen).toMatch(/Demo: a simulated Zoom account runs at/);
    expect(jsonLines(screen)).toEqual([]);
  });

  it.skipIf(!hasScript)('on a terminal with ZOOMTRAIL_LOG_FORMAT=json: the JSON logs are on the terminal', async () => {
    const screen = await onTerminal(['start', '--port', '0', '--data-dir', tempDataDir()], { ZOOMTRAIL_LOG_FORMAT: 'json' }, /"msg":"console at /);
    expect(screen).not.toMatch(/Logs: /);
    expect(jsonLines(screen).length).toBeGreaterThan(0);
  });
});

describe('zoomtrail simulate --redirect-uri', { timeout: TEST_MS }, () => {
  it('registers the given Redirect URLs (repeated and comma-separated) instead of the port-8080 defaults', async () => {
    const run = spawnCli(
      [
        'simulate',
        '--port',
        '0',
        '--days',
        '1',
        '--no-live',
        '--redirect-uri',
        'http://localhost:9000/oauth/callback,https://zt.example.com/oauth/callback',
        '--redirect-uri',
        'http://127.0.0.1:9000/oauth/callback',
      ],
      {},
    );
    children.push(run.child);
    expect(await waitUntil(() => run.stdout().includes('Ctrl-C') || run.done(), READY_MS, 20), run.stderr()).toBe(true);
    expect(run.stdout()).toContain('Redirect URLs: http://localhost:9000/oauth/callback, https://zt.example.com/oauth/callback, http://127.0.0.1:9000/oauth/callback');
    const base = /listening on (http:\/\/\S+)/.exec(run.stdout())![1]!;
    const authorize = (redirectUri: string) =>
      fetch(`${base}/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: 'demo-oauth-client-id', redirect_uri: redirectUri, state: 's' }).toString()}`, {
        redirect: 'manual',
      });
    expect((await authorize('http://127.0.0.1:9000/oauth/callback')).status).toBe(200);
    expect((await authorize('https://zt.example.com/oauth/callback')).status).toBe(200);
    const refused = await authorize('http://localhost:8080/oauth/callback');
    expect(refused.status).toBe(400);
    // The way back: Zoomtrail's sources at the first registered Redirect URL.
    expect(await refused.text()).toContain('<a href="http://localhost:9000/sources"');
    run.child.kill('SIGTERM');
    expect((await run.exited).code).toBe(0);
  });

  it('refuses a --redirect-uri that is not an http(s) URL, with exit 2', async () => {
    const result = await runCli(['simulate', '--port', '0', '--redirect-uri', 'javascript:alert(1)'], {}, { timeoutMs: READY_MS });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--redirect-uri must be an http(s) URL');
  });
});
