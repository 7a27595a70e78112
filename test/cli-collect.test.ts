import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, daysFrom } from '../src/domain/utc-days.js';
import { ManualClock, shiftedClock } from '../src/shared/clock.js';
import type { MalformedRecord } from '../src/zoom-sim/malformed-records.js';
import { ZoomSimulator } from '../src/zoom-sim/zoom-simulator.js';
import { CLOCK_START, runCli, type CliResult } from './support/cli-child.js';
import { expectedFromTruth } from './support/collect-harness.js';
import { multisetDiff } from './support/multiset.js';
import { ACCOUNT_ID, S2S, type Harness } from './support/sim-harness.js';
import { createServer as createNetServer, type AddressInfo } from 'node:net';

/**
 * The CLI over the collection pipeline, as a user runs it: real child
 * processes (`node bin/zoomtrail.js ...`) against a simulator in this process.
 * Every child sees 2026-03-10 (ZOOMTRAIL_CLOCK_START) and so does the simulator.
 * Tests are independent (each has its own data directory) and run concurrently.
 */

const NOW = Date.parse(CLOCK_START);
const TODAY = '2026-03-10';
const BACKFILL_DAYS = 5;
const FIRST_DAY = addDays(TODAY, -(BACKFILL_DAYS - 1));
const KEY = '5c'.repeat(32);
const OTHER_KEY = 'e7'.repeat(32);
const WRONG_SECRET = 'wrong-secret-do-not-print-4b2a';
const BAD_KEY = 'not-a-key-do-not-print-91';
/** Nothing any command prints may contain these. */
const SECRETS = [S2S.clientSecret, WRONG_SECRET, KEY, OTHER_KEY, BAD_KEY];
const P_FIELDS = ['p_row_id', 'p_event_time', 'p_log_type', 'p_source_id', 'p_source_label', 'p_any_emails', 'p_any_ip_addresses', 'p_udm'];

let sim: ZoomSimulator;
let malformed: MalformedRecord[] = [];
const tempDirs: string[] = [];

beforeAll(async () => {
  sim = await simulator();
  const account = sim.account(ACCOUNT_ID);
  malformed = [...account.addMalformedRecords('Zoom.Activity', '2026-03-07'), ...account.addMalformedRecords('Zoom.Operation', '2026-03-08')];
});

afterAll(async () => {
  await sim?.close();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** A simulator on the fixed day: one Pro account (per-second limit raised: tests run in parallel) and its S2S app. */
async function simulator(): Promise<ZoomSimulator> {
  const s = await ZoomSimulator.start({ clock: shiftedClock(NOW), logger: false, seed: 5 });
  s.addAccount({
    accountId: ACCOUNT_ID,
    plan: 'pro',
    perSecondLimit: 50,
    generated: { seed: 9, fromDay: '2026-02-20', toDay: TODAY, volume: { activities: 300, operations: 60 } },
  });
  s.addApp({ ...S2S, accountId: ACCOUNT_ID, kind: 's2s' });
  return s;
}

function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'zoomtrail-cli-'));
  tempDirs.push(dir);
  return dir;
}

/**
 * Runs the built CLI in a temp working directory with the fixed day, and
 * checks that nothing it printed holds a secret.
 */
async function cli(args: string[], env: Record<string, string | undefined> = {}, timeoutMs = 60_000): Promise<CliResult> {
  const result = await runCli(args, { ZOOMTRAIL_SECRET_KEY: KEY, ZOOMTRAIL_CLOCK_START: CLOCK_START, ZOOMTRAIL_LOG_LEVEL: 'warn', ...env }, { cwd: tempDir(), timeoutMs });
  const output = result.stdout + result.stderr;
  for (const secret of SECRETS) expect(output.includes(secret), `zoomtrail ${args.slice(0, 2).join(' ')} printed a secret (${secret.slice(0, 4)}...)`).toBe(false);
  return result;
}

function addArgs(dataDir: string, s: ZoomSimulator, name: string, extra: string[] = []): string[] {
  return [
    'source',
    'add',
    '--name',
    name,
    '--account-id',
    ACCOUNT_ID,
    '--client-id',
    S2S.clientId,
    '--api-url',
    s.apiUrl,
    '--oauth-url',
    s.baseUrl,
    '--backfill-days',
    String(BACKFILL_DAYS),
    '--rps',
    '20',
    '--data-dir',
    dataDir,
    ...extra,
  ];
}

/** Adds a source with the right secret (given in the environment) and returns its id. */
async function addSource(dataDir: string, s: ZoomSimulator, name: string, extra: string[] = []): Promise<string> {
  const out = await cli(addArgs(dataDir, s, name, extra), { ZOOMTRAIL_CLIENT_SECRET: S2S.clientSecret });
  expect(out.code, out.stderr).toBe(0);
  expect(out.stdout).toMatch(/^src_[a-z0-9]+\n$/);
  return out.stdout.trim();
}

const truthHarness = (): Harness => ({ sim, clock: new ManualClock(NOW), close: async () => {} });
const withoutP = (event: Record<string, unknown>) => Object.fromEntries(Object.entries(event).filter(([k]) => !k.startsWith('p_')));
const ndjson = (text: string) =>
  text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

/** RFC 4180: rows of cells; quoted cells may hold commas, quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i += 1;
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) throw new Error('CSV does not end with CRLF');
  return rows;
}

describe.concurrent('zoomtrail CLI over the collection pipeline (child processes against the simulator)', () => {
  it('source add prints the id; list (table, json) shows it; poll --once collects; show gives coverage and state; remove removes', async () => {
    const dataDir = tempDir();
    expect((await cli(['source', 'list', '--data-dir', dataDir])).stdout).toMatch(/No sources yet/);

    const add = await cli(addArgs(dataDir, sim, 'CLI Zoom'), { ZOOMTRAIL_CLIENT_SECRET: S2S.clientSecret });
    expect(add.code, add.stderr).toBe(0);
    expect(add.stdout).toMatch(/^src_[a-z0-9]+\n$/);
    const id = add.stdout.trim();
    expect(add.stderr).toContain(`Added source "CLI Zoom" (${id})`);

    const table = await cli(['source', 'list', '--data-dir', dataDir]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^ID\s+NAME\s+AUTH\s+STATUS\s+LAST SUCCESS\s+NEWEST EVENT$/m);
    expect(table.stdout).toMatch(new RegExp(`^${id}\\s+CLI Zoom\\s+s2s\\s+not collected yet\\s+-\\s+-$`, 'm'));

    const json = await cli(['source', 'list', '--format', 'json', '--data-dir', dataDir]);
    expect(json.code).toBe(0);
    const listed = JSON.parse(json.stdout) as Record<string, unknown>[];
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({
      id,
      name: 'CLI Zoom',
      authKind: 's2s',
      zoomAccountId: ACCOUNT_ID,
      clientId: S2S.clientId,
      apiUrl: sim.apiUrl,
      backfillDays: BACKFILL_DAYS,
      requestsPerSecond: 20,
      hasClientSecret: true,
    });
    expect(listed[0]).not.toHaveProperty('credentials');

    const poll = await cli(['poll', '--once', '--data-dir', dataDir]);
    expect(poll.code, poll.stderr).toBe(0);
    expect(poll.stderr).toMatch(new RegExp(`^${id} Zoom\\.Activity: \\d+ records read, \\d+ new, \\d+ pages$`, 'm'));
    expect(poll.stderr).toMatch(new RegExp(`^${id} Zoom\\.Operation: \\d+ records read, \\d+ new, \\d+ pages$`, 'm'));

    expect((await cli(['source', 'list', '--data-dir', dataDir])).stdout).toMatch(
      new RegExp(`^${id}\\s+CLI Zoom\\s+s2s\\s+ok\\s+2026-03-10T12:\\d\\d:\\d\\d(\\.\\d{3})?Z\\s+2026-03-10T`, 'm'),
    );

    const show = await cli(['source', 'show', id, '--data-dir', dataDir]);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toContain(`CLI Zoom (${id})`);
    expect(show.stdout).toContain(`client id ${S2S.clientId}, client secret set, account ${ACCOUNT_ID}`);
    expect(show.stdout).toMatch(/backfill 5 days, poll every 5m/);
    for (const logType of ['Zoom.Activity', 'Zoom.Operation']) {
      const section = show.stdout.slice(show.stdout.indexOf(`${logType}: `));
      expect(section).toMatch(new RegExp(`^${logType.replace('.', '\\.')}: ok$`, 'm'));
      // Settled days are complete, the last two days and today stay open; days before the backfill were never read.
      for (const day of ['2026-03-06', '2026-03-07']) expect(section).toMatch(new RegExp(`^\\s+${day}\\s+complete\\s+[1-9]\\d*\\s+2026-03-10T`, 'm'));
      for (const day of ['2026-03-08', '2026-03-09', '2026-03-10']) expect(section).toMatch(new RegExp(`^\\s+${day}\\s+open\\s+[1-9]\\d*\\s+2026-03-10T`, 'm'));
      expect(section).toMatch(/^\s+2026-03-01\s+before backfill\s+0\s+-/m);
      // The day before the backfill is read only as the oldest window's padding: shown as such, not as open.
      expect(section).toMatch(/^\s+2026-03-05\s+before backfill\s+\d+\s+-/m);
    }
    const showJson = JSON.parse((await cli(['source', 'show', id, '--format', 'json', '--data-dir', dataDir])).stdout) as {
      streams: { coverage: { day: string; state: string; lastFullReadAt: number | null }[] }[];
    };
    for (const stream of showJson.streams) {
      const read = stream.coverage.filter((c) => c.lastFullReadAt !== null);
      expect(read.map((c) => `${c.day} ${c.state}`)).toEqual(daysFrom(FIRST_DAY, TODAY).map((d) => `${d} ${d <= '2026-03-07' ? 'complete' : 'open'}`));
    }

    const remove = await cli(['source', 'remove', id, '--data-dir', dataDir]);
    expect(remove.code, remove.stderr).toBe(0);
    expect(remove.stderr).toContain(`Removed source ${id}`);
    expect((await cli(['source', 'list', '--data-dir', dataDir])).stdout).toMatch(/No sources yet/);
    const exported = await cli(['events', 'export', '--log-type', 'Zoom.Activity', '--data-dir', dataDir]);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toBe('');
    expect((await cli(['failures', 'list', '--format', 'ndjson', '--data-dir', dataDir])).stdout).toBe('');

    for (const gone of [id, 'src_nosuchsource']) {
      const out = await cli(['source', 'show', gone, '--data-dir', dataDir]);
      expect(out.code).toBe(2);
      expect(out.stderr).toMatch(new RegExp(`^error: There is no source with id "${gone}"\\.$`, 'm'));
      expect(out.stderr).toMatch(/^fix: .*`zoomtrail source list`/m);
      expect(out.stdout).toBe('');
    }
    expect((await cli(['source', 'remove', id, '--data-dir', dataDir])).code).toBe(2);
  }, 180_000);

  describe('reading back what poll --once stored', () => {
    let dataDir: string;
    let id: string;
    beforeAll(async () => {
      dataDir = tempDir();
      id = await addSource(dataDir, sim, 'Export Zoom');
      const poll = await cli(['poll', '--once', '--data-dir', dataDir]);
      expect(poll.code, poll.stderr).toBe(0);
    }, 120_000);

    it('events export: NDJSON of whole normalized events, exactly what Zoom holds, in event-time order', async () => {
      // The backfill reads from one day before its first day (padding), so 2026-03-05 is stored too.
      for (const logType of ['Zoom.Activity', 'Zoom.Operation'] as const) {
        const out = await cli(['events', 'export', '--log-type', logType, '--data-dir', dataDir]);
        expect(out.code, out.stderr).toBe(0);
        expect(out.stdout.endsWith('\n')).toBe(true);
        const events = ndjson(out.stdout);
        for (const event of events) {
          for (const field of P_FIELDS) expect(event, field).toHaveProperty(field);
          expect(event.p_log_type).toBe(logType);
          expect(event.p_source_id).toBe(id);
          expect(event.p_source_label).toBe('Export Zoom');
          expect(event.p_row_id).toMatch(/^[0-9a-f]{32}$/);
          expect(Array.isArray(event.p_any_emails) && Array.isArray(event.p_any_ip_addresses)).toBe(true);
          expect(typeof event.p_udm).toBe('object');
        }
        expect(new Set(events.map((e) => e.p_row_id)).size).toBe(events.length);
        const times = events.map((e) => Date.parse(String(e.p_event_time)));
        expect(times.every((t, i) => !Number.isNaN(t) && (i === 0 || t >= times[i - 1]!))).toBe(true);
        const expected = expectedFromTruth(truthHarness(), logType, addDays(FIRST_DAY, -1), TODAY);
        expect(multisetDiff(events.map(withoutP), expected.events), `${logType} export vs Zoom`).toEqual([]);
      }
    }, 120_000);

    it('events export without --log-type (or with --log-type all): every log type at once, in event-time order', async () => {
      const [all, named, activity, operation, audit] = await Promise.all([
        cli(['events', 'export', '--data-dir', dataDir]),
        cli(['events', 'export', '--log-type', 'all', '--data-dir', dataDir]),
        cli(['events', 'export', '--log-type', 'Zoom.Activity', '--data-dir', dataDir]),
        cli(['events', 'export', '--log-type', 'Zoom.Operation', '--data-dir', dataDir]),
        cli(['events', 'export', '--log-type', 'Zoomtrail.Audit', '--data-dir', dataDir]),
      ]);
      expect(all.code, all.stderr).toBe(0);
      expect(named.code, named.stderr).toBe(0);
      const events = ndjson(all.stdout);
      expect(ndjson(named.stdout)).toEqual(events);
      const rowIds = (out: CliResult) => ndjson(out.stdout).map((e) => e.p_row_id as string);
      // Zoom's two log types and Zoomtrail's own audit trail (the CLI's source changes).
      expect(new Set(events.map((e) => e.p_row_id))).toEqual(new Set([...rowIds(activity), ...rowIds(operation), ...rowIds(audit)]));
      expect(new Set(events.map((e) => e.p_log_type))).toEqual(new Set(['Zoom.Activity', 'Zoom.Operation', 'Zoomtrail.Audit']));
      const times = events.map((e) => Date.parse(String(e.p_event_time)));
      expect(times.every((t, i) => i === 0 || t >= times[i - 1]!)).toBe(true);

      const csv = await cli(['events', 'export', '--format', 'csv', '--data-dir', dataDir]);
      expect(csv.code, csv.stderr).toBe(0);
      const [header, ...body] = parseCsv(csv.stdout);
      expect(header).toEqual(expect.arrayContaining(['email', 'type', 'operator', 'operation_detail']));
      expect(body).toHaveLength(events.length);

      const bad = await cli(['events', 'export', '--log-type', 'Zoom.Nope', '--data-dir', dataDir]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/Zoom\.Activity, Zoom\.Operation, Zoomtrail\.Audit or all/);
    }, 120_000);

    it('events export --format csv: a header row and one row per event, the same events as NDJSON', async () => {
      const [csvOut, jsonOut] = await Promise.all([
        cli(['events', 'export', '--log-type', 'Zoom.Activity', '--format', 'csv', '--data-dir', dataDir]),
        cli(['events', 'export', '--log-type', 'Zoom.Activity', '--data-dir', dataDir]),
      ]);
      expect(csvOut.code, csvOut.stderr).toBe(0);
      const rows = parseCsv(csvOut.stdout);
      const events = ndjson(jsonOut.stdout);
      const [header, ...body] = rows;
      expect(header!.slice(0, 5)).toEqual(['p_row_id', 'p_event_time', 'p_log_type', 'p_source_id', 'p_source_label']);
      expect(header).toEqual(expect.arrayContaining(['email', 'time', 'type', 'ip_address', 'client_type', 'version', 'p_any_emails', 'p_any_ip_addresses', 'p_parse_time']));
      expect(body.length).toBeGreaterThan(1000);
      expect(body).toHaveLength(events.length);
      expect(body.every((row) => row.length === header!.length)).toBe(true);
      const column = (name: string) => body.map((row) => row[header!.indexOf(name)]);
      expect(column('p_row_id')).toEqual(events.map((e) => e.p_row_id));
      expect(column('email')).toEqual(events.map((e) => e.email ?? ''));
      expect(column('p_any_emails')).toEqual(events.map((e) => (e.p_any_emails as string[]).join(';')));
    }, 120_000);

    it('events export --since/--until: only events in [since, until), as days or RFC 3339 times', async () => {
      const byDays = ndjson((await cli(['events', 'export', '--log-type', 'Zoom.Activity', '--since', '2026-03-07', '--until', '2026-03-09', '--data-dir', dataDir])).stdout);
      const expected = expectedFromTruth(truthHarness(), 'Zoom.Activity', '2026-03-07', '2026-03-08');
      expect(multisetDiff(byDays.map(withoutP), expected.events)).toEqual([]);
      for (const e of byDays) expect(String(e.p_event_time) >= '2026-03-07T00:00:00' && String(e.p_event_time) < '2026-03-09T00:00:00').toBe(true);

      const since = Date.parse('2026-03-08T06:00:00Z');
      const until = Date.parse('2026-03-08T18:30:00Z');
      const byTimes = ndjson(
        (await cli(['events', 'export', '--log-type', 'Zoom.Activity', '--since', '2026-03-08T06:00:00Z', '--until', '2026-03-08T18:30:00Z', '--data-dir', dataDir])).stdout,
      );
      expect(byTimes.length).toBe(expected.events.filter((e) => Date.parse(String(e.time)) >= since && Date.parse(String(e.time)) < until).length);
      expect(byTimes.length).toBeGreaterThan(0);
      for (const e of byTimes) expect(Date.parse(String(e.p_event_time)) >= since && Date.parse(String(e.p_event_time)) < until).toBe(true);

      const limited = ndjson((await cli(['events', 'export', '--log-type', 'Zoom.Activity', '--since', '2026-03-07', '--limit', '7', '--data-dir', dataDir])).stdout);
      expect(limited.map((e) => e.p_row_id)).toEqual(byDays.slice(0, 7).map((e) => e.p_row_id));

      for (const [args, message] of [
        [['--since', '2026-03-09', '--until', '2026-03-07'], /--since must be before --until/],
        [['--since', 'yesterday'], /--since must be a day/],
        [['--format', 'xml'], /--format must be ndjson or csv/],
      ] as const) {
        const out = await cli(['events', 'export', '--log-type', 'Zoom.Activity', ...args, '--data-dir', dataDir]);
        expect(out.code, args.join(' ')).toBe(2);
        expect(out.stderr).toMatch(message);
      }
    }, 120_000);

    it('failures list: every malformed record planted in Zoom is there once, with its reason naming the field', async () => {
      const out = await cli(['failures', 'list', '--format', 'ndjson', '--data-dir', dataDir]);
      expect(out.code, out.stderr).toBe(0);
      const failures = ndjson(out.stdout);
      // A million-character string is valid by the schema: that one is an event.
      const planted = malformed.filter((m) => m.defect !== 'huge_string');
      expect(failures).toHaveLength(planted.length);
      for (const m of planted) {
        const raw = typeof m.record === 'string' ? m.record : JSON.stringify(m.record);
        const found = failures.filter((f) => f.raw === raw);
        expect(found, `${m.defect} listed once`).toHaveLength(1);
        expect(found[0]).toMatchObject({ source_id: id, log_type: expect.stringMatching(/^Zoom\.(Activity|Operation)$/), row_id: expect.stringMatching(/^[0-9a-f]{32}$/) });
        if (m.field) expect(String(found[0]!.reason)).toContain(m.field);
      }
      const operations = ndjson((await cli(['failures', 'list', '--format', 'ndjson', '--log-type', 'Zoom.Operation', '--data-dir', dataDir])).stdout);
      expect(operations.length).toBe(planted.length / 2);
      expect(operations.every((f) => f.log_type === 'Zoom.Operation')).toBe(true);
      const table = await cli(['failures', 'list', '--data-dir', dataDir]);
      expect(table.stdout).toMatch(/^SOURCE\s+LOG TYPE\s+DAY\s+REASON\s+RAW$/m);
      expect(table.stdout.trim().split('\n')).toHaveLength(planted.length + 1);
    }, 120_000);
  });

  describe('bad configuration: a clear message and a non-zero exit', () => {
    it('a wrong client secret on source add exits 3 naming the credentials, saves nothing and never prints the secret', async () => {
      const dataDir = tempDir();
      const out = await cli(addArgs(dataDir, sim, 'Wrong', ['--client-secret', WRONG_SECRET]));
      expect(out.code).toBe(3);
      expect(out.stderr).toMatch(/^error: Zoom refused the Client ID and Client Secret/m);
      expect(out.stderr).toMatch(/^fix: .*Client Secret/m);
      expect(out.stdout).toBe('');
      expect((await cli(['source', 'list', '--data-dir', dataDir])).stdout).toMatch(/No sources yet/);
      expect(JSON.parse((await cli(['source', 'list', '--format', 'json', '--data-dir', dataDir])).stdout)).toEqual([]);
    }, 120_000);

    it.each([
      ['ftp://x', /API URL must be http\(s\), not ftp:/],
      ['not a url', /API URL "not a url" is not a URL: use e\.g\. https:\/\/api\.zoom\.us\/v2/],
    ])(
      'source add --api-url %j exits 2',
      async (apiUrl, message) => {
        const dataDir = tempDir();
        const args = addArgs(dataDir, sim, 'Bad URL');
        args[args.indexOf('--api-url') + 1] = apiUrl;
        const out = await cli(args, { ZOOMTRAIL_CLIENT_SECRET: S2S.clientSecret });
        expect(out.code).toBe(2);
        expect(out.stderr).toMatch(message);
        expect((await cli(['source', 'list', '--data-dir', dataDir])).stdout).toMatch(/No sources yet/);
      },
      120_000,
    );

    it('source add with an API or OAuth URL on a refused address (any form) exits 2 with the reason, and connects nowhere', async () => {
      const dataDir = tempDir();
      // A listener on loopback that counts connections: the refused URL must never reach it.
      let connections = 0;
      const listener = createNetServer((socket) => {
        connections += 1;
        socket.destroy();
      });
      await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
      const port = (listener.address() as AddressInfo).port;
      // Without ZOOMTRAIL_ALLOWED_NETWORKS (the tests' children allow loopback otherwise).
      const strict = { ZOOMTRAIL_CLIENT_SECRET: S2S.clientSecret, ZOOMTRAIL_ALLOWED_NETWORKS: undefined };
      const cases: [string, string, RegExp][] = [
        ['--api-url', `http://127.0.0.1:${port}/v2`, /API URL: 127\.0\.0\.1 is a loopback address/],
        ['--api-url', 'https://2130706433/v2', /API URL: 127\.0\.0\.1 is a loopback address/],
        ['--api-url', 'https://[::ffff:127.0.0.1]/v2', /API URL: ::ffff:7f00:1 embeds 127\.0\.0\.1 is a loopback address/],
        ['--api-url', 'https://0x7f.1/v2', /API URL: 127\.0\.0\.1 is a loopback address/],
        ['--oauth-url', 'https://169.254.169.254', /OAuth URL: 169\.254\.169\.254 is a link-local address/],
        ['--oauth-url', 'https://10.1.2.3', /OAuth URL: 10\.1\.2\.3 is a private address/],
        ['--oauth-url', 'http://zoom.example.com', /OAuth URL must use https:\/\//],
      ];
      const outs = await Promise.all(
        cases.map(([flag, url]) => {
          const args = addArgs(dataDir, sim, 'Refused');
          // The simulator's own loopback API URL is refused too: a public one while the OAuth URL is tried.
          if (flag === '--oauth-url') args[args.indexOf('--api-url') + 1] = 'https://api.zoom.us/v2';
          args[args.indexOf(flag) + 1] = url;
          return cli(args, strict);
        }),
      );
      outs.forEach((out, i) => {
        expect(out.code, cases[i]![1]).toBe(2);
        expect(out.stderr, cases[i]![1]).toMatch(cases[i]![2]);
        expect(out.stdout).toBe('');
      });
      expect(outs[0]!.stderr).toContain('ZOOMTRAIL_ALLOWED_NETWORKS');
      await new Promise((resolve) => listener.close(resolve));
      expect(connections, 'nothing connected to the loopback listener').toBe(0);
      expect((await cli(['source', 'list', '--data-dir', dataDir])).stdout).toMatch(/No sources yet/);
    }, 120_000);

    it('poll --once --source with an unknown id exits 2 and points at source list', async () => {
      const out = await cli(['poll', '--once', '--source', 'nope', '--data-dir', tempDir()]);
      expect(out.code).toBe(2);
      expect(out.stderr).toMatch(/^error: There is no source with id "nope"\.$/m);
      expect(out.stderr).toMatch(/^fix: .*`zoomtrail source list`/m);
    }, 120_000);

    it('a data directory that cannot be created exits 2 naming the path', async () => {
      // Below a regular file: fails even for root, unlike a chmod-ed directory.
      const file = path.join(tempDir(), 'afile');
      writeFileSync(file, 'not a directory\n');
      const bad = path.join(file, 'data');
      for (const args of [
        ['source', 'list', '--data-dir', bad],
        ['poll', '--once', '--data-dir', bad],
      ]) {
        const out = await cli(args);
        expect(out.code, args.join(' ')).toBe(2);
        expect(out.stderr).toMatch(/^error: The data directory .* cannot be used/m);
        expect(out.stderr).toContain(bad);
        expect(out.stderr).toMatch(/^fix: .*--data-dir/m);
      }
      const viaEnv = await cli(['source', 'list'], { ZOOMTRAIL_DATA_DIR: bad });
      expect(viaEnv.code).toBe(2);
      expect(viaEnv.stderr).toContain(bad);
    }, 120_000);

    it('a malformed ZOOMTRAIL_SECRET_KEY exits 2 and says what a key looks like', async () => {
      const out = await cli(['source', 'list', '--data-dir', tempDir()], { ZOOMTRAIL_SECRET_KEY: BAD_KEY });
      expect(out.code).toBe(2);
      expect(out.stderr).toMatch(/^error: ZOOMTRAIL_SECRET_KEY is not a valid key: expected 64 hexadecimal characters/m);
      expect(out.stderr).toMatch(/^fix: /m);
    }, 120_000);

    it('reopening a data directory with another ZOOMTRAIL_SECRET_KEY exits 2 about the key, and prints no garbage', async () => {
      const dataDir = tempDir();
      const id = await addSource(dataDir, sim, 'Keyed', ['--no-check']);
      for (const args of [
        ['source', 'list'],
        ['source', 'show', id],
        ['poll', '--once'],
        ['events', 'export', '--log-type', 'Zoom.Activity'],
      ]) {
        const out = await cli([...args, '--data-dir', dataDir], { ZOOMTRAIL_SECRET_KEY: OTHER_KEY });
        expect(out.code, args.join(' ')).toBe(2);
        expect(out.stdout).toBe('');
        expect(out.stderr).toMatch(/^error: The secret key from ZOOMTRAIL_SECRET_KEY does not decrypt this database's secrets/m);
        expect(out.stderr).toMatch(/^fix: Set ZOOMTRAIL_SECRET_KEY to the original key/m);
        expect(out.stderr).toMatch(/^[\x20-\x7e\n]*$/);
      }
      // The right key still works, and the source is intact.
      const list = await cli(['source', 'list', '--format', 'json', '--data-dir', dataDir]);
      expect((JSON.parse(list.stdout) as { id: string }[]).map((s) => s.id)).toEqual([id]);
    }, 120_000);

    it('an unknown setting in the --config file exits 2 naming the key', async () => {
      const dir = tempDir();
      const file = path.join(dir, 'zoomtrail.yml');
      writeFileSync(file, `dataDir: ${JSON.stringify(path.join(dir, 'data'))}\nlogLevl: debug\n`);
      const out = await cli(['source', 'list', '--config', file]);
      expect(out.code).toBe(2);
      expect(out.stderr).toMatch(/^error: Unknown setting "logLevl" in .*zoomtrail\.yml/m);
      expect(out.stderr).toMatch(/^fix: Known settings: dataDir, rulesDir, ruleTimeBudgetMs, databaseUrl, logLevel, port/m);
    }, 120_000);

    it.each([
      [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL is neither a postgres:\/\/ nor a sqlite: URL/],
      [{ ZOOMTRAIL_LOG_LEVEL: 'loud' }, /Log level "loud" is not one of/],
      [{ ZOOMTRAIL_CLOCK_START: 'someday' }, /ZOOMTRAIL_CLOCK_START "someday" is not an RFC 3339 time/],
    ])(
      'environment %j exits 2 naming the variable',
      async (env, message) => {
        const out = await cli(['source', 'list', '--data-dir', tempDir()], env);
        expect(out.code).toBe(2);
        expect(out.stderr).toMatch(message);
        expect(out.stderr).toMatch(/^fix: /m);
      },
      120_000,
    );
  });

  describe('--help works for every command without touching the data directory', () => {
    it.each([
      [[], /Usage: zoomtrail \[options\] \[command\]/, /Exit codes: 0 ok/],
      [['source'], /Usage: zoomtrail source/, /add \[options\]/],
      [['source', 'add'], /Usage: zoomtrail source add \[options\]/, /--backfill-days <days>/],
      [['source', 'list'], /Usage: zoomtrail source list/, /--format <format>/],
      [['source', 'show'], /Usage: zoomtrail source show \[options\] <id>/, /--days <n>/],
      [['source', 'remove'], /Usage: zoomtrail source remove \[options\] <id>/, /Remove a source/],
      [['poll'], /Usage: zoomtrail poll \[options\]/, /--reconcile/],
      [['run'], /Usage: zoomtrail run/, /Collect every source continuously/],
      [['start'], /Usage: zoomtrail start \[options\]/, /--demo/],
      [['events'], /Usage: zoomtrail events/, /export \[options\]/],
      [['events', 'export'], /Usage: zoomtrail events export \[options\]/, /--since <time>/],
      [['failures'], /Usage: zoomtrail failures/, /list \[options\]/],
      [['failures', 'list'], /Usage: zoomtrail failures list \[options\]/, /--log-type <type>/],
      [['pull'], /Usage: zoomtrail pull \[options\]/, /--category-type/],
      [['simulate'], /Usage: zoomtrail simulate/, /--port/],
    ])(
      'zoomtrail %j --help',
      async (command, usage, detail) => {
        // A data directory that cannot exist: help must not open the store.
        const out = await cli([...command, '--help'], { ZOOMTRAIL_DATA_DIR: '/dev/null/zoomtrail' });
        expect(out.code, out.stderr).toBe(0);
        expect(out.stdout).toMatch(usage);
        expect(out.stdout).toMatch(detail);
        expect(out.stderr).toBe('');
      },
      120_000,
    );

    it('shows durations as durations, not milliseconds: source add --help', async () => {
      const out = await cli(['source', 'add', '--help'], { ZOOMTRAIL_DATA_DIR: '/dev/null/zoomtrail' });
      expect(out.code, out.stderr).toBe(0);
      expect(out.stdout).toMatch(/--poll-interval <duration>[\s\S]*?\(default: 5m\)/);
      expect(out.stdout).toMatch(/--reconcile-interval <duration>[\s\S]*?\(default: 1h\)/);
      expect(out.stdout).not.toMatch(/default: (300000|3600000)\)/);
    }, 120_000);
  });

  it('poll --once with Zoom down for the whole cycle exits 4; source show then has the last error and its fix', async () => {
    const down = await simulator();
    try {
      down.faults.http5xx = 1;
      const dataDir = tempDir();
      const id = await addSource(dataDir, down, 'Down Zoom', ['--no-check']);
      const poll = await cli(['poll', '--once', '--data-dir', dataDir], {}, 240_000);
      expect(poll.code, poll.stderr).toBe(4);
      expect(poll.stderr).toMatch(new RegExp(`^${id} Zoom\\.Activity: FAILED zoom_unavailable: Zoom could not be reached or kept failing`, 'm'));
      expect(poll.stderr).toMatch(new RegExp(`^${id} Zoom\\.Operation: FAILED zoom_unavailable`, 'm'));
      expect(poll.stderr).toMatch(/^ {2}fix: Usually transient/m);
      expect(down.requestCount({ status: 500 }) + down.requestCount({ status: 502 }) + down.requestCount({ status: 503 })).toBeGreaterThanOrEqual(2);

      const show = await cli(['source', 'show', id, '--data-dir', dataDir]);
      expect(show.code, show.stderr).toBe(0);
      for (const logType of ['Zoom.Activity', 'Zoom.Operation']) {
        const section = show.stdout.slice(show.stdout.indexOf(`${logType}: `));
        expect(section).toMatch(new RegExp(`^${logType.replace('.', '\\.')}: error: zoom_unavailable$`, 'm'));
        expect(section).toMatch(/^ {2}last error \(zoom_unavailable, 2026-03-10T12:\d\d:\d\d(\.\d{3})?Z\): Zoom could not be reached or kept failing: .*HTTP 50\d/m);
        expect(section).toMatch(/^ {2}fix: Usually transient: collection retries with backoff/m);
        expect(section).toMatch(/^ {2}next attempt 2026-03-10T/m);
        for (const day of daysFrom(FIRST_DAY, TODAY)) expect(section).toMatch(new RegExp(`^\\s+${day}\\s+failed\\s+0\\s+-\\s+Zoom could not be reached`, 'm'));
      }
      expect((await cli(['source', 'list', '--data-dir', dataDir])).stdout).toMatch(new RegExp(`^${id}\\s+Down Zoom\\s+s2s\\s+error: zoom_unavailable`, 'm'));
    } finally {
      await down.close();
    }
  }, 300_000);
});
