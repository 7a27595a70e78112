import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3RVER_SECRET, startS3Server, type S3TestServer } from '../src/forward/s3-server.test-support.js';
import { ManualClock } from '../src/shared/clock.js';
import { openSqliteStore } from '../src/store/sqlite-store.js';
import { OPERATION, page, sampleEvent, sampleOperationEvent, sampleSource } from '../src/store/store-contract.test-support.js';
import { CLOCK_START, runCli, type CliResult } from './support/cli-child.js';

/**
 * The s3 and syslog sinks as a user runs them (issue 18): events in the store,
 * `sink add` with a field filter, `sink test`, `sink flush`, the objects read
 * back from s3rver, `sink replay --from` (which rewrites the same objects
 * rather than doubling), and a syslog sink over TCP; dead letters and retry.
 */

const NOW = Date.parse(CLOCK_START);
const KEY = '4e'.repeat(32);
const DAY = 86_400_000;

let dataDir: string;
let s3: S3TestServer;
let syslog: Server;
let syslogPort: number;
let syslogBytes = '';

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'zoomtrail-sinks-'));
  s3 = await startS3Server();
  syslog = createServer((socket) => socket.on('data', (chunk: Buffer) => (syslogBytes += chunk.toString('utf8'))));
  await new Promise<void>((resolve) => syslog.listen(0, '127.0.0.1', resolve));
  syslogPort = (syslog.address() as AddressInfo).port;
  const store = await openSqliteStore({ dataDir, clock: new ManualClock(NOW), env: { ZOOMTRAIL_SECRET_KEY: KEY } });
  try {
    const source = (await store.createSource(sampleSource())).id;
    await store.commitPage(page(source, [sampleEvent('a1', NOW - DAY), sampleEvent('a2', NOW - 2000, 'bot@example.com'), sampleEvent('a3', NOW - 1000)]));
    await store.commitPage({
      ...page(source, [sampleOperationEvent('o1', NOW - 500, { category_type: 'User', action: 'Add', operation_detail: 'Add User x@example.com' })]),
      logType: OPERATION,
    });
  } finally {
    await store.close();
  }
});

afterAll(async () => {
  await s3?.close();
  syslog?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

function cli(args: string[], env: Record<string, string | undefined> = {}, input?: string): Promise<CliResult> {
  return runCli(
    [...args, '--data-dir', dataDir],
    { ZOOMTRAIL_SECRET_KEY: KEY, ZOOMTRAIL_CLOCK_START: CLOCK_START, ZOOMTRAIL_LOG_LEVEL: 'warn', ...env },
    { cwd: dataDir, timeoutMs: 90_000, ...(input === undefined ? {} : { input: `${input}\n` }) },
  );
}

const rowIdsInBucket = async () => (await Promise.all((await s3.keys()).map((k) => s3.records(k)))).flat().map((r) => r.p_row_id as string);

describe('zoomtrail sink: s3 and syslog', () => {
  it('adds an s3 sink with a filter, tests it, flushes, replays without doubling, and lists dead letters', async () => {
    const add = await cli(
      [
        'sink',
        'add',
        '--name',
        'lake',
        '--kind',
        's3',
        '--url',
        s3.endpoint,
        '--bucket',
        s3.bucket,
        '--prefix',
        'zt',
        // Zoom's events only: not the Zoomtrail.Audit events of these commands.
        '--log-types',
        'Zoom.Activity',
        'Zoom.Operation',
        '--filter',
        'email!=bot@example.com',
        '--from',
        'all',
        '--secret-env',
        'S3_KEY',
      ],
      { S3_KEY: S3RVER_SECRET },
    );
    expect(add.code, add.stderr).toBe(0);
    const test = await cli(['sink', 'test', 'lake']);
    expect(test.code, test.stdout + test.stderr).toBe(0);
    expect(test.stdout).toBe('lake: test event accepted\n');
    expect((await s3.keys()).filter((k) => k.startsWith('zt/zoom/zoomtrail.test/'))).toHaveLength(1);

    const flush = await cli(['sink', 'flush', '--sink', 'lake']);
    expect(flush.code, flush.stdout + flush.stderr).toBe(0);
    expect(flush.stdout).toBe('lake: 3 delivered\n');
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    expect((await s3.keys()).filter((k) => !k.includes('zoomtrail.test'))).toEqual(
      [`zt/zoom/activity/dt=${day(NOW - DAY)}/a1.json.gz`, `zt/zoom/activity/dt=${day(NOW)}/a3.json.gz`, `zt/zoom/operation/dt=${day(NOW)}/o1.json.gz`].sort(),
    );

    const replay = await cli(['sink', 'replay', 'lake', '--from', 'all']);
    expect(replay.code, replay.stderr).toBe(0);
    expect(replay.stderr).toContain('4 events to send');
    expect((await cli(['sink', 'flush', '--sink', 'lake'])).stdout).toBe('lake: 3 delivered\n');
    expect((await rowIdsInBucket()).filter((id) => !id.startsWith('zoomtrail-test')).sort()).toEqual(['a1', 'a3', 'o1']);

    const letters = await cli(['sink', 'dead-letters', 'lake']);
    expect(letters.stdout).toBe('Sink "lake" has no dead letters.\n');
    const retry = await cli(['sink', 'retry', 'lake', '--all']);
    expect(retry.code, retry.stderr).toBe(0);
    expect(retry.stdout).toBe('lake: 0 delivered, 0 refused again, 0 no longer stored\n');
    const show = await cli(['sink', 'show', 'lake']);
    expect(show.stdout).not.toContain('S3RVER');
  });

  it('updates a sink with the checks of PATCH /api/sinks/:id: a refused URL, the secret again with a new URL, settings; audited, the secret never printed', async () => {
    const add = await cli(
      ['sink', 'add', '--name', 'lake2', '--kind', 's3', '--url', s3.endpoint, '--bucket', s3.bucket, '--prefix', 'old', '--log-types', 'Zoom.Operation', '--secret-stdin'],
      {},
      S3RVER_SECRET,
    );
    expect(add.code, add.stderr).toBe(0);
    // The outbound address policy refuses a private address (only loopback is allowed here): nothing changes.
    const refused = await cli(['sink', 'update', 'lake2', '--url', 'http://10.1.2.3:9000', '--secret-stdin'], {}, S3RVER_SECRET);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^error: --url: the S3 endpoint: .*10\.1\.2\.3.*\nfix: .*ZOOMTRAIL_ALLOWED_NETWORKS/s);
    // A stored secret does not follow the URL to another host.
    const noSecret = await cli(['sink', 'update', 'lake2', '--url', 'http://localhost:1']);
    expect(noSecret.code).toBe(2);
    expect(noSecret.stderr).toContain('needs its secret again');
    const badSetting = await cli(['sink', 'update', 'lake2', '--setting', 'colour=blue']);
    expect(badSetting.code).toBe(2);
    expect(badSetting.stderr).toContain('--setting');

    const update = await cli(['sink', 'update', 'lake2', '--name', 'lake3', '--setting', 'prefix=new', '--format', 'ocsf', '--secret-stdin'], {}, S3RVER_SECRET);
    expect(update.code, update.stderr).toBe(0);
    expect(update.stderr).toBe('Updated s3 sink "lake3": name, format, settings, secret.\n');
    const flush = await cli(['sink', 'flush', '--sink', 'lake3']);
    expect(flush.stdout).toBe('lake3: 1 delivered\n');
    const day = new Date(NOW).toISOString().slice(0, 10);
    expect((await s3.keys()).filter((k) => k.startsWith('new/') || k.startsWith('old/'))).toEqual([`new/zoom/operation/dt=${day}/o1.json.gz`]);
    expect((await s3.records(`new/zoom/operation/dt=${day}/o1.json.gz`))[0]).toMatchObject({ metadata: { uid: 'o1' } });
    // The bucket is read back (s3 read-back): the day is the same, exit 0.
    const verify = await cli(['sink', 'verify', 'lake3', '--from', day, '--to', day, '--format', 'ndjson']);
    expect(verify.code, verify.stderr).toBe(0);
    expect(JSON.parse(verify.stdout)).toMatchObject({ day, logType: 'Zoom.Operation', storeCount: 1, sinkCount: 1, differs: false });

    const audit = await cli(['audit', 'list', '--action', 'sinks.update', '--ndjson']);
    expect(audit.stdout).toContain('"lake3"');
    expect(audit.stdout).toContain('[MASKED]');
    for (const output of [add, refused, noSecret, update, flush, verify, audit, await cli(['sink', 'show', 'lake3'])])
      expect(output.stdout + output.stderr).not.toContain('S3RVER');
  });

  it('adds a syslog sink and sends one octet-counted RFC 5424 message per event', async () => {
    const add = await cli([
      'sink',
      'add',
      '--name',
      'syslog',
      '--kind',
      'syslog',
      '--url',
      `tcp://127.0.0.1:${syslogPort}`,
      '--facility',
      'local3',
      '--app-name',
      'zt',
      '--log-types',
      'Zoom.Activity',
      'Zoom.Operation',
      '--from',
      'all',
    ]);
    expect(add.code, add.stderr).toBe(0);
    const flush = await cli(['sink', 'flush', '--sink', 'syslog']);
    expect(flush.stdout).toBe('syslog: 4 delivered\n');
    const frames = syslogBytes.match(/(\d+) <(\d+)>1 /g) ?? [];
    expect(frames).toHaveLength(4);
    expect(frames.every((f) => f.endsWith(`<${19 * 8 + 6}>1 `))).toBe(true);
  });

  it('refuses a bad filter, a bad start point, and an s3 sink without a bucket, with usage errors', async () => {
    const badFilter = await cli(['sink', 'add', '--name', 'x', '--kind', 'syslog', '--url', 'tcp://127.0.0.1:1', '--filter', 'nonsense']);
    expect(badFilter.code).toBe(2);
    expect(badFilter.stderr).toContain('field=value');
    const badFrom = await cli(['sink', 'add', '--name', 'x', '--kind', 'syslog', '--url', 'tcp://127.0.0.1:1', '--from', 'yesterday']);
    expect(badFrom.stderr).toContain('not a start point');
    const noBucket = await cli(['sink', 'add', '--name', 'x', '--kind', 's3', '--url', s3.endpoint, '--secret-env', 'S3_KEY'], { S3_KEY: S3RVER_SECRET });
    expect(noBucket.stderr).toContain('--bucket');
  });
});
