import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { rowIdFor } from '../src/collect/row-identity.js';
import { Detector } from '../src/detect/detector.js';
import { loadNormalizers } from '../src/normalize/log-type-registry.js';
import { RULES } from '../src/rules/rule-registry.js';
import { systemClock, utcDay } from '../src/shared/clock.js';
import { openSqliteStore } from '../src/store/sqlite-store.js';
import type { EventRow, SourceRecord, Store } from '../src/store/store.js';
import { runCli } from './support/cli-child.js';
import { TEST_SECRET_KEY } from './support/collect-harness.js';

/**
 * The detection and alerting commands as a user runs them: real child
 * processes (`node bin/zoomtrail.js ...`), each test with its own data
 * directory.
 *
 * One test at a time: a test runs up to thirteen CLI processes, each a
 * fraction of a second of CPU (test/cli-startup.test.ts keeps the server,
 * PostgreSQL and argon2 out of them; BENCHMARKS.md, "CLI start-up"). Run concurrently, the nine tests' processes shared the
 * cores and each test's time grew with the others' (past 30 s on a busy
 * 2-core machine); one at a time, a test takes its own time, and 60 s leaves
 * a busy machine room.
 */

const TWO_FACTOR_OFF = {
  time: '2026-03-10T11:00:00Z',
  operator: 'admin@example.com',
  category_type: 'Account',
  action: 'Update',
  operation_detail: 'Security  - Sign in with Two-Factor Authentication: from On to Off',
};
const HARMLESS = {
  time: '2026-03-10T11:05:00Z',
  operator: 'admin@example.com',
  category_type: 'Account',
  action: 'Update',
  operation_detail: 'Security  - Sign in with Two-Factor Authentication: from Off to On',
};
const TWO_FACTOR_TITLE = "Zoom User [admin@example.com] disabled your organization's setting to sign in with Two-Factor Authentication.";
const TWO_FACTOR_MATCH = (index: number) =>
  JSON.stringify({ index, rule_id: 'Zoom.Two.Factor.Authentication.Disabled', title: TWO_FACTOR_TITLE, severity: 'MEDIUM', dedup: TWO_FACTOR_TITLE });
const WEBHOOK_SECRET = 'whsec-do-not-print-7a6b5c4d3e2f';

const tempDirs: string[] = [];
const servers: Server[] = [];
afterAll(async () => {
  for (const s of servers) await new Promise((resolve) => s.close(resolve));
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'zoomtrail-detect-'));
  tempDirs.push(dir);
  return dir;
}

function envFor(dataDir: string, extra: Record<string, string> = {}): Record<string, string> {
  return { ZOOMTRAIL_DATA_DIR: dataDir, ZOOMTRAIL_SECRET_KEY: TEST_SECRET_KEY, ZOOMTRAIL_LOG_LEVEL: 'warn', ...extra };
}

/**
 * `rules run` output without Zoom.SettingsStorm's lines: a threshold rule (20 changes in 10
 * minutes) matches every settings change, these two included; its alert needs the threshold.
 */
function withoutStorm(stdout: string): string {
  return stdout
    .split('\n')
    .filter((line) => !line.includes('"rule_id":"Zoom.SettingsStorm"'))
    .join('\n');
}

/** The S2S source the seeded alerts belong to. */
function createSeededSource(store: Store): Promise<SourceRecord> {
  return store.createSource({
    name: 'Seeded',
    authKind: 's2s',
    zoomAccountId: 'acct',
    clientId: 'client',
    apiUrl: 'https://api.zoom.us/v2',
    oauthUrl: 'https://zoom.us',
    backfillDays: 7,
    pollIntervalMs: 300_000,
    settleDays: 2,
    reconcileIntervalMs: 3_600_000,
    requestsPerSecond: 2,
    requestsPerDay: 3000,
    paused: false,
    dropOffAlarmMinutes: null,
    credentials: { clientSecret: 'seeded-client-secret' },
  });
}

/** A store in `dataDir` holding one two-factor-disabled event, run through detection: one open alert. */
async function seedAlert(dataDir: string): Promise<void> {
  const store = await openSqliteStore({ dataDir, clock: systemClock, env: { ZOOMTRAIL_SECRET_KEY: TEST_SECRET_KEY } });
  try {
    const source = await createSeededSource(store);
    const normalizer = loadNormalizers().get('Zoom.Operation')!;
    const events: EventRow[] = [TWO_FACTOR_OFF, HARMLESS].map((raw, i) => {
      const rowId = rowIdFor(source.id, 'Zoom.Operation', `seed-${i}`, 0, Date.parse(raw.time));
      const result = normalizer.normalize(raw, { sourceId: source.id, sourceLabel: source.name, rowId, parseTimeMs: Date.now() });
      if (!result.ok) throw new Error(result.problem.reason);
      const { event, eventTimeMs, emails, ipAddresses } = result.value;
      return { rowId, day: utcDay(eventTimeMs), eventTimeMs, emails, ipAddresses, event };
    });
    await store.commitPage({ sourceId: source.id, logType: 'Zoom.Operation', events, failures: [], days: [], stream: {} });
    const detector = new Detector({ store, rules: RULES, clock: systemClock, logger: pino({ level: 'silent' }) });
    const drained = await detector.drain();
    expect(drained).toEqual({ events: 2, raised: 1 });
  } finally {
    await store.close();
  }
}

/** `count` alerts: two-factor turned off by `count` different admins, a minute apart from 2026-03-10 00:00 UTC. */
async function seedAlerts(dataDir: string, count: number, operatorOf: (i: number) => string = (i) => `admin${i}@example.com`): Promise<void> {
  const store = await openSqliteStore({ dataDir, clock: systemClock, env: { ZOOMTRAIL_SECRET_KEY: TEST_SECRET_KEY } });
  try {
    const source = await createSeededSource(store);
    const normalizer = loadNormalizers().get('Zoom.Operation')!;
    const events: EventRow[] = Array.from({ length: count }, (_, i) => {
      const raw = { ...TWO_FACTOR_OFF, operator: operatorOf(i), time: new Date(Date.parse('2026-03-10T00:00:00Z') + i * 60_000).toISOString().replace('.000Z', 'Z') };
      const rowId = rowIdFor(source.id, 'Zoom.Operation', `seed-${i}`, 0, Date.parse(raw.time));
      const result = normalizer.normalize(raw, { sourceId: source.id, sourceLabel: source.name, rowId, parseTimeMs: Date.now() });
      if (!result.ok) throw new Error(result.problem.reason);
      const { event, eventTimeMs, emails, ipAddresses } = result.value;
      return { rowId, day: utcDay(eventTimeMs), eventTimeMs, emails, ipAddresses, event };
    });
    await store.commitPage({ sourceId: source.id, logType: 'Zoom.Operation', events, failures: [], days: [], stream: {} });
    const detector = new Detector({ store, rules: RULES, clock: systemClock, logger: pino({ level: 'silent' }) });
    expect(await detector.drain()).toEqual({ events: count, raised: count });
  } finally {
    await store.close();
  }
}

async function receiver(status: number): Promise<{ url: string; bodies: string[] }> {
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (c: string) => (body += c));
    req.on('end', () => {
      bodies.push(body);
      res.writeHead(status).end('ok');
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, bodies };
}

async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}/hook`;
}

describe('zoomtrail rules, alerts and destination commands', { timeout: 60_000 }, () => {
  it('rules test runs every rule test without a data directory and sums up', async () => {
    const cwd = tempDir();
    const out = await runCli(['rules', 'test'], { ZOOMTRAIL_LOG_LEVEL: 'warn' }, { cwd });
    expect(out.code).toBe(0);
    const lines = out.stdout.trimEnd().split('\n');
    const summary = lines.at(-1)!;
    expect(summary).toMatch(/^\d+ passed, 0 failed$/);
    expect(Number(summary.split(' ')[0])).toBe(lines.length - 1);
    expect(lines.slice(0, -1).every((l) => l.startsWith('PASS '))).toBe(true);
    expect(lines).toContain('PASS Zoom.Two.Factor.Authentication.Disabled 2FA Disabled (Panther)');
    // No data directory was created in the working directory.
    const one = await runCli(['rules', 'test', '--rule', 'Zoom.PasscodeDisabled'], {}, { cwd });
    expect(one.code).toBe(0);
    expect(
      one.stdout
        .split('\n')
        .filter((l) => l.startsWith('PASS '))
        .every((l) => l.startsWith('PASS Zoom.PasscodeDisabled ')),
    ).toBe(true);
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('rules run reads stdin NDJSON: matches as NDJSON lines, a bad line reported, exit 2', async () => {
    const input = `${JSON.stringify(TWO_FACTOR_OFF)}\n\n${JSON.stringify(HARMLESS)}\n{not json\n${JSON.stringify(TWO_FACTOR_OFF)}\n`;
    const out = await runCli(['rules', 'run', '--log-type', 'Zoom.Operation'], {}, { input });
    const lines = withoutStorm(out.stdout).trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe(TWO_FACTOR_MATCH(0));
    expect(JSON.parse(lines[1]!)).toEqual({ index: 2, error: expect.stringMatching(/^not valid JSON/) });
    expect(Object.keys(JSON.parse(lines[1]!) as object)).toEqual(['index', 'error']);
    expect(lines[2]).toBe(TWO_FACTOR_MATCH(3));
    expect(out.code).toBe(2);
  });

  it('rules run reads --input FILE (NDJSON and array form) and exits 0 without bad lines', async () => {
    const dir = tempDir();
    const ndjson = path.join(dir, 'events.ndjson');
    writeFileSync(ndjson, `${JSON.stringify(HARMLESS)}\n${JSON.stringify(TWO_FACTOR_OFF)}\n`);
    const array = path.join(dir, 'events.json');
    writeFileSync(array, JSON.stringify([TWO_FACTOR_OFF, HARMLESS, TWO_FACTOR_OFF], null, 2));
    const [a, b, missing] = await Promise.all([
      runCli(['rules', 'run', '--log-type', 'Zoom.Operation', '--input', ndjson], {}),
      runCli(['rules', 'run', '--log-type', 'Zoom.Operation', '--input', array], {}),
      runCli(['rules', 'run', '--log-type', 'Zoom.Operation', '--input', path.join(dir, 'nope.ndjson')], {}),
    ]);
    expect(withoutStorm(a.stdout)).toBe(`${TWO_FACTOR_MATCH(1)}\n`);
    expect(a.code).toBe(0);
    expect(withoutStorm(b.stdout)).toBe(`${TWO_FACTOR_MATCH(0)}\n${TWO_FACTOR_MATCH(2)}\n`);
    expect(b.code).toBe(0);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--input/);
  });

  it('rules run refuses a bad --log-type with exit 2, naming the accepted values', async () => {
    const out = await runCli(['rules', 'run', '--log-type', 'Zoom.Meetings'], {});
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/Zoom\.Activity, Zoom\.Operation/);
  });

  it('rules list shows every built-in rule; disable and enable show in it; an unknown rule is a usage error', async () => {
    const env = envFor(tempDir());
    const list = await runCli(['rules', 'list'], env);
    expect(list.code).toBe(0);
    const rows = list.stdout.trimEnd().split('\n');
    expect(rows[0]).toMatch(/^ID\s+SEVERITY\s+ENABLED\s+LOG TYPES\s+DEDUP MIN\s+THRESHOLD\s+HISTORY\s+SETTINGS\s+SOURCE\s+NAME$/);
    expect(rows).toHaveLength(1 + RULES.length);
    for (const rule of RULES) expect(list.stdout).toContain(rule.meta.id);
    const enabledOf = (stdout: string) => (JSON.parse(stdout.split('\n').find((l) => l.includes('"Zoom.PasscodeDisabled"'))!) as { enabled: boolean }).enabled;

    expect((await runCli(['rules', 'disable', 'Zoom.PasscodeDisabled'], env)).code).toBe(0);
    expect(enabledOf((await runCli(['rules', 'list', '--format', 'ndjson'], env)).stdout)).toBe(false);
    expect((await runCli(['rules', 'list'], env)).stdout).toMatch(/^Zoom\.PasscodeDisabled\s+LOW\s+no\s/m);
    expect((await runCli(['rules', 'enable', 'Zoom.PasscodeDisabled'], env)).code).toBe(0);
    expect(enabledOf((await runCli(['rules', 'list', '--format', 'ndjson'], env)).stdout)).toBe(true);

    const unknown = await runCli(['rules', 'disable', 'Zoom.Nope'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('zoomtrail rules list');
  });

  it('alerts list on an empty store says so and exits 0; a bad status is exit 2; rules errors is empty', async () => {
    const env = envFor(tempDir());
    const [empty, badStatus, errors] = await Promise.all([
      runCli(['alerts', 'list'], env),
      runCli(['alerts', 'list', '--status', 'open,closed'], env),
      runCli(['rules', 'errors'], env),
    ]);
    expect(empty.stdout).toBe('No alerts.\n');
    expect(empty.code).toBe(0);
    expect(badStatus.code).toBe(2);
    expect(badStatus.stderr).toMatch(/open, acknowledged, resolved/);
    expect(errors.stdout).toBe('No rule errors.\n');
    expect(errors.code).toBe(0);
  });

  it('alerts assign, comment and history: every change kept with who and the note; an unknown user is exit 2', async () => {
    const dataDir = tempDir();
    await seedAlert(dataDir);
    const store = await openSqliteStore({ dataDir, clock: systemClock, env: { ZOOMTRAIL_SECRET_KEY: TEST_SECRET_KEY } });
    let id: string;
    try {
      await store.createUser({ username: 'bob', passwordHash: 'x', role: 'analyst' });
      id = (await store.listAlerts({}))[0]!.id;
    } finally {
      await store.close();
    }
    const env = envFor(dataDir);
    const unknown = await runCli(['alerts', 'assign', id, 'mallory'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('not a console user');
    const assign = await runCli(['alerts', 'assign', id, 'bob', '--note', 'yours'], env);
    expect([assign.code, assign.stdout]).toEqual([0, `${id} bob\n`]);
    expect((await runCli(['alerts', 'comment', id, 'a planned change'], env)).code).toBe(0);
    const history = await runCli(['alerts', 'history', id, '--format', 'json'], env);
    expect(history.code).toBe(0);
    expect((JSON.parse(history.stdout) as { actor: string; kind: string; to: string | null; note: string | null }[]).map((h) => [h.actor, h.kind, h.to, h.note])).toEqual([
      ['cli', 'assignee', 'bob', 'yours'],
      ['cli', 'comment', null, 'a planned change'],
    ]);
    const table = await runCli(['alerts', 'history', id], env);
    expect(table.stdout).toMatch(/^TIME\s+BY\s+WHAT\s+CHANGE\s+NOTE\n/);
    expect(table.stdout).toMatch(/cli\s+assignee\s+- -> bob\s+yours/);
  });

  it('alerts list, show, ack and reopen work on a stored alert; rules replay reports it without writing', async () => {
    const dataDir = tempDir();
    await seedAlert(dataDir);
    const env = envFor(dataDir);

    const [list, replay, replayJson, unknownAck] = await Promise.all([
      runCli(['alerts', 'list', '--format', 'ndjson'], env),
      runCli(['rules', 'replay'], env),
      runCli(['rules', 'replay', '--since', '2026-03-10', '--until', '2026-03-11T00:00:00Z', '--rule', 'Zoom.Two.Factor.Authentication.Disabled', '--format', 'ndjson'], env),
      runCli(['alerts', 'ack', 'no-such-alert'], env),
    ]);
    expect(list.code).toBe(0);
    const alerts = list.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      ruleId: 'Zoom.Two.Factor.Authentication.Disabled',
      status: 'open',
      severity: 'MEDIUM',
      eventCount: 1,
      title: TWO_FACTOR_TITLE,
      ruleDisplayName: 'Zoom Two Factor Authentication Disabled',
    });
    const id = alerts[0]!.id as string;

    expect(replay.code).toBe(0);
    expect(replay.stdout).toMatch(/^RULE\s+SEVERITY\s+FIRST EVENT\s+LAST EVENT\s+COUNT\s+TITLE\n/);
    expect(replay.stdout).toMatch(/Zoom\.Two\.Factor\.Authentication\.Disabled\s+MEDIUM\s+2026-03-10T11:00:00Z\s+2026-03-10T11:00:00Z\s+1\s+Zoom User \[admin@example\.com\]/);
    expect(replay.stderr).toContain('replayed 2 events: 1 alert(s) would have been raised, 0 rule error(s)');
    expect(replayJson.code).toBe(0);
    expect(JSON.parse(replayJson.stdout)).toEqual({
      rule_id: 'Zoom.Two.Factor.Authentication.Disabled',
      severity: 'MEDIUM',
      first_event_time: '2026-03-10T11:00:00Z',
      last_event_time: '2026-03-10T11:00:00Z',
      event_count: 1,
      title: TWO_FACTOR_TITLE,
      dedup: TWO_FACTOR_TITLE,
    });
    expect(unknownAck.code).toBe(2);
    expect(unknownAck.stderr).toContain('zoomtrail alerts list');

    const ack = await runCli(['alerts', 'ack', id, '--note', 'looking into it'], env);
    expect(ack.code).toBe(0);
    expect(ack.stdout).toBe(`${id} acknowledged\n`);
    const [table, show, openOnly] = await Promise.all([runCli(['alerts', 'list'], env), runCli(['alerts', 'show', id], env), runCli(['alerts', 'list', '--status', 'open'], env)]);
    expect(table.stdout).toMatch(/^ID\s+LAST EVENT\s+RAISED\s+SEVERITY\s+STATUS\s+EVENTS\s+RULE\s+TITLE\n/);
    expect(table.stdout).toMatch(
      new RegExp(`^${id}\\s+2026-03-10T11:00:00Z\\s+\\S+Z\\s+MEDIUM\\s+acknowledged\\s+1\\s+Zoom\\.Two\\.Factor\\.Authentication\\.Disabled\\s+Zoom User`, 'm'),
    );
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('status: acknowledged');
    expect(show.stdout).toContain('note: looking into it');
    expect(show.stdout).toContain('Deliveries: none.');
    expect(openOnly.stdout).toBe('No alerts.\n');

    expect((await runCli(['alerts', 'reopen', id], env)).stdout).toBe(`${id} open\n`);
    // The replay wrote nothing: still one alert.
    expect((await runCli(['alerts', 'list', '--format', 'ndjson'], env)).stdout.trimEnd().split('\n')).toHaveLength(1);
  });

  it('alerts list and show print control characters from Zoom escaped, never raw (no screen clearing, window titles or hidden text)', async () => {
    const dataDir = tempDir();
    await seedAlerts(dataDir, 1, () => 'evil\u001b[2J\u001b]0;pwned\u0007\u001b[8m@example.com');
    const env = envFor(dataDir);
    const listed = await runCli(['alerts', 'list', '--format', 'ndjson'], env);
    const id = (JSON.parse(listed.stdout.trim()) as { id: string }).id;
    const [table, show] = await Promise.all([runCli(['alerts', 'list'], env), runCli(['alerts', 'show', id], env)]);
    for (const output of [table.stdout, show.stdout]) {
      expect([...output].filter((c) => c !== '\n' && (c < ' ' || c === '\u007f'))).toEqual([]);
      expect(output).toContain('evil\\x1b[2J\\x1b]0;pwned\\x07\\x1b[8m@example.com');
    }
  });

  it('alerts list says on stderr when more alerts match than it shows; --all and --limit show more; newest last event first; --sort', async () => {
    const dataDir = tempDir();
    await seedAlerts(dataDir, 105);
    const env = envFor(dataDir);
    const [table, all, five, raised, badSort] = await Promise.all([
      runCli(['alerts', 'list'], env),
      runCli(['alerts', 'list', '--all', '--format', 'ndjson'], env),
      runCli(['alerts', 'list', '--limit', '5', '--format', 'ndjson'], env),
      runCli(['alerts', 'list', '--sort', 'raised', '--limit', '200', '--format', 'ndjson'], env),
      runCli(['alerts', 'list', '--sort', 'newest'], env),
    ]);
    expect(table.code).toBe(0);
    expect(table.stdout.trimEnd().split('\n')).toHaveLength(1 + 100);
    expect(table.stdout.split('\n')[1]).toContain('2026-03-10T01:44:00Z'); // admin104's, the newest event
    expect(table.stderr).toBe('Showing 100 of 105 alerts (newest last event first); use --all, or --limit <n>, to see more.\n');

    const every = all.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; lastEventTime: string });
    expect(every).toHaveLength(105);
    expect(new Set(every.map((a) => a.id)).size).toBe(105);
    expect(every.map((a) => a.lastEventTime)).toEqual(
      every
        .map((a) => a.lastEventTime)
        .sort()
        .reverse(),
    );
    expect(all.stderr).toBe('');

    expect(
      five.stdout
        .trimEnd()
        .split('\n')
        .map((l) => (JSON.parse(l) as { lastEventTime: string }).lastEventTime),
    ).toEqual(every.slice(0, 5).map((a) => a.lastEventTime));
    expect(five.stderr).toContain('Showing 5 of 105 alerts');
    expect(raised.stdout.trimEnd().split('\n')).toHaveLength(105);
    expect(raised.stderr).toBe('');
    expect(badSort.code).toBe(2);
    expect(badSort.stderr).toContain('last-event, severity, status, raised');
  });

  it('destination add, list (never the secret), test against a receiver and a closed port, disable, remove', async () => {
    const env = envFor(tempDir(), { HOOK_SECRET: WEBHOOK_SECRET });
    const hook = await receiver(200);
    const closed = await closedPortUrl();
    const add = await runCli(['destination', 'add', '--name', 'hook', '--kind', 'webhook', '--url', hook.url, '--min-severity', 'low', '--secret-env', 'HOOK_SECRET'], env);
    expect(add.code).toBe(0);
    expect(add.stdout).toMatch(/^\S+\n$/);
    const dead = await runCli(['destination', 'add', '--name', 'dead', '--kind', 'webhook', '--url', closed, '--secret-env', 'HOOK_SECRET'], env);
    expect(dead.code).toBe(0);
    const [noSecret, badUrl, duplicate] = await Promise.all([
      runCli(['destination', 'add', '--name', 'x', '--kind', 'webhook', '--url', hook.url], env),
      runCli(['destination', 'add', '--name', 'y', '--kind', 'webhook', '--url', 'ftp://example.com', '--secret-env', 'HOOK_SECRET'], env),
      runCli(['destination', 'add', '--name', 'hook', '--kind', 'log'], env),
    ]);
    expect(noSecret.code).toBe(2);
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toMatch(/http/);
    expect(duplicate.code).toBe(2);

    const list = await runCli(['destination', 'list'], env);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^ID\s+NAME\s+KIND\s+ENABLED\s+MIN SEVERITY\s+RULES\s+URL\s+SECRET SET\n/);
    expect(list.stdout).toMatch(new RegExp(`^${add.stdout.trim()}\\s+hook\\s+webhook\\s+yes\\s+LOW\\s+all\\s+${hook.url.replace(/[.]/g, '\\.')}\\s+yes$`, 'm'));

    const [ok, failed] = await Promise.all([runCli(['destination', 'test', 'hook'], env), runCli(['destination', 'test', 'dead'], env)]);
    expect(ok.stdout).toBe(`delivered: HTTP 200 from ${new URL(hook.url).host}\n`);
    expect(ok.code).toBe(0);
    expect(hook.bodies).toHaveLength(1);
    expect(JSON.parse(hook.bodies[0]!)).toMatchObject({ alert: { ruleId: 'Zoomtrail.Test', title: 'Zoomtrail test alert', severity: 'INFO', context: { sentFrom: 'cli' } } });
    expect((JSON.parse(hook.bodies[0]!) as { alert: { description: string } }).alert.description).toMatch(
      /^A test alert sent from the command line \(`zoomtrail destination test`\)/,
    );
    expect(failed.stdout).toMatch(/^FAILED: /);
    expect(failed.code).toBe(4);

    expect((await runCli(['destination', 'disable', 'hook'], env)).code).toBe(0);
    expect((await runCli(['destination', 'list'], env)).stdout).toMatch(/\shook\s+webhook\s+no\s/);
    expect((await runCli(['destination', 'remove', 'dead'], env)).code).toBe(0);
    const after = await runCli(['destination', 'list', '--format', 'ndjson'], env);
    expect(
      after.stdout
        .trimEnd()
        .split('\n')
        .map((l) => (JSON.parse(l) as { name: string }).name),
    ).toEqual(['hook']);
    const unknown = await runCli(['destination', 'test', 'dead'], env);
    expect(unknown.code).toBe(2);

    for (const out of [add, dead, noSecret, badUrl, duplicate, list, ok, failed, after, unknown]) {
      expect(`${out.stdout}${out.stderr}`).not.toContain(WEBHOOK_SECRET);
    }
  });

  it('destination add with a URL on a refused address (any form) exits 2 with the reason; the allow list admits it', async () => {
    const dataDir = tempDir();
    const strict = { ...envFor(dataDir, { HOOK_SECRET: WEBHOOK_SECRET }), ZOOMTRAIL_ALLOWED_NETWORKS: undefined };
    const hook = await receiver(200);
    const webhook = (name: string, url: string) => ['destination', 'add', '--name', name, '--kind', 'webhook', '--url', url, '--secret-env', 'HOOK_SECRET'];
    const cases: [string[], { input?: string }, RegExp][] = [
      [webhook('a', hook.url), {}, /the webhook url: 127\.0\.0\.1 is a loopback address/],
      [webhook('b', 'https://[::ffff:127.0.0.1]/hook'), {}, /the webhook url: ::ffff:7f00:1 embeds 127\.0\.0\.1 is a loopback address/],
      [webhook('c', 'https://2130706433/hook'), {}, /the webhook url: 127\.0\.0\.1 is a loopback address/],
      [webhook('d', 'https://169.254.169.254/latest/meta-data/'), {}, /169\.254\.169\.254 is a link-local address/],
      [
        ['destination', 'add', '--name', 'e', '--kind', 'pagerduty', '--url', 'https://192.168.1.5/v2/enqueue', '--secret-env', 'HOOK_SECRET'],
        {},
        /the PagerDuty events url: 192\.168\.1\.5 is a private address/,
      ],
      [
        ['destination', 'add', '--name', 'f', '--kind', 'slack', '--secret-stdin'],
        { input: 'https://localhost/services/T0/B0/slack-token-abcdef\n' },
        /localhost is a loopback name/,
      ],
    ];
    const outs = await Promise.all(cases.map(([args, options]) => runCli(args, strict, options)));
    outs.forEach((out, i) => {
      expect(out.code, cases[i]![0].join(' ')).toBe(2);
      expect(out.stderr, cases[i]![0].join(' ')).toMatch(cases[i]![2]);
      expect(out.stderr).toContain('ZOOMTRAIL_ALLOWED_NETWORKS');
      expect(`${out.stdout}${out.stderr}`).not.toContain('slack-token-abcdef');
    });
    expect((await runCli(['destination', 'list'], strict)).stdout).toMatch(/No destinations yet/);
    expect((await runCli(webhook('allowed', hook.url), { ...strict, ZOOMTRAIL_ALLOWED_NETWORKS: '127.0.0.1' })).code).toBe(0);
    const test = await runCli(['destination', 'test', 'allowed'], strict);
    expect(test.stdout, 'the connection is refused once the network is no longer allowed').toMatch(
      /^FAILED: POST to 127\.0\.0\.1:\d+ could not be sent: Connection refused by Zoomtrail: 127\.0\.0\.1 is a loopback address/,
    );
    expect(test.code).toBe(4);
    expect(hook.bodies).toHaveLength(0);
  });

  it('destination add reads the secret from stdin (slack shows only "(secret URL)")', async () => {
    const env = envFor(tempDir());
    const slackUrl = 'https://hooks.slack.com/services/T000/B000/slacksecret123456';
    const add = await runCli(['destination', 'add', '--name', 'chat', '--kind', 'slack', '--secret-stdin'], env, { input: `${slackUrl}\n` });
    expect(add.code).toBe(0);
    const list = await runCli(['destination', 'list'], env);
    expect(list.stdout).toContain('(secret URL)');
    for (const out of [add, list]) expect(`${out.stdout}${out.stderr}`).not.toContain('slacksecret123456');
  });
});
