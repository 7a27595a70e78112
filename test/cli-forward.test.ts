import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { AckPolicy, connect, type NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, shiftedClock } from '../src/shared/clock.js';
import { openSqliteStore } from '../src/store/sqlite-store.js';
import { ZoomSimulator } from '../src/zoom-sim/zoom-simulator.js';
import { CLOCK_START, runCli, type CliResult } from './support/cli-child.js';
import { ACCOUNT_ID, S2S } from './support/sim-harness.js';

/**
 * Forwarding end to end, as a user runs it (issue 18): collect from the
 * simulator with `poll --once`, add a NATS sink, `sink flush`: every stored
 * event is in the JetStream stream exactly once (by Nats-Msg-Id), and a second
 * flush sends nothing more. Needs the NATS server at 127.0.0.1:4222.
 */

const NOW = Date.parse(CLOCK_START);
const KEY = '3d'.repeat(32);
const tag = randomBytes(4).toString('hex');
const PREFIX = `ztcli${tag}`;
const STREAM = `ZTCLI_${tag}`;

let sim: ZoomSimulator;
let nc: NatsConnection;
let dataDir: string;

beforeAll(async () => {
  sim = await ZoomSimulator.start({ clock: shiftedClock(NOW), logger: false, seed: 3 });
  sim.addAccount({
    accountId: ACCOUNT_ID,
    plan: 'pro',
    perSecondLimit: 50,
    generated: { seed: 4, fromDay: '2026-03-01', toDay: '2026-03-10', volume: { activities: 120, operations: 40 } },
  });
  sim.addApp({ ...S2S, accountId: ACCOUNT_ID, kind: 's2s' });
  nc = await connect({ servers: '127.0.0.1:4222' });
  await (await nc.jetstreamManager()).streams.add({ name: STREAM, subjects: [`${PREFIX}.>`], duplicate_window: 600_000_000_000 });
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'zoomtrail-forward-'));
});

afterAll(async () => {
  await (await nc?.jetstreamManager())?.streams.delete(STREAM).catch(() => undefined);
  await nc?.close();
  await sim?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function cli(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  return runCli(
    [...args, '--data-dir', dataDir],
    { ZOOMTRAIL_SECRET_KEY: KEY, ZOOMTRAIL_CLOCK_START: CLOCK_START, ZOOMTRAIL_LOG_LEVEL: 'warn', ...env },
    { cwd: dataDir, timeoutMs: 90_000 },
  );
}

/** Every message in the stream: its Nats-Msg-Id and the p_row_id in its body. */
async function streamMessages(): Promise<Array<{ id: string | undefined; rowId: string; subject: string }>> {
  const jsm = await nc.jetstreamManager();
  const total = (await jsm.streams.info(STREAM)).state.messages;
  const name = `reader${randomBytes(3).toString('hex')}`;
  await jsm.consumers.add(STREAM, { durable_name: name, ack_policy: AckPolicy.None });
  const consumer = await nc.jetstream().consumers.get(STREAM, name);
  const out: Array<{ id: string | undefined; rowId: string; subject: string }> = [];
  while (out.length < total) {
    const batch = await consumer.fetch({ max_messages: 500, expires: 2000 });
    for await (const m of batch) out.push({ id: m.headers?.get('Nats-Msg-Id'), rowId: m.json<{ p_row_id: string }>().p_row_id, subject: m.subject });
  }
  await jsm.consumers.delete(STREAM, name);
  return out;
}

describe('zoomtrail sink (NATS JetStream)', () => {
  it('collects, flushes every stored event to the stream exactly once, and a second flush sends nothing', async () => {
    const add = await cli(
      [
        'source',
        'add',
        '--name',
        'acme',
        '--account-id',
        ACCOUNT_ID,
        '--client-id',
        S2S.clientId,
        '--api-url',
        sim.apiUrl,
        '--oauth-url',
        sim.baseUrl,
        '--backfill-days',
        '5',
        '--rps',
        '20',
      ],
      { ZOOMTRAIL_CLIENT_SECRET: S2S.clientSecret },
    );
    expect(add.code, add.stderr).toBe(0);
    const poll = await cli(['poll', '--once']);
    expect(poll.code, poll.stderr).toBe(0);

    const sinkAdd = await cli(['sink', 'add', '--name', 'bus', '--kind', 'nats', '--url', 'nats://127.0.0.1:4222', '--subject-prefix', PREFIX]);
    expect(sinkAdd.code, sinkAdd.stderr).toBe(0);
    const flush = await cli(['sink', 'flush']);
    expect(flush.code, flush.stdout + flush.stderr).toBe(0);
    expect(flush.stdout).toMatch(/^bus: \d+ delivered\n$/);

    const store = await openSqliteStore({ dataDir, clock: new ManualClock(NOW), env: { ZOOMTRAIL_SECRET_KEY: KEY } });
    let stored: string[];
    let zoomStored = 0;
    let coverage: string[];
    try {
      stored = [];
      for await (const e of store.queryEvents({ limit: 1_000_000 })) {
        stored.push(e.rowId);
        if (e.logType !== 'Zoomtrail.Audit') zoomStored++;
      }
      // The days the poll proved complete: one coverage record each (docs/coverage-digest.md), sent after their events.
      coverage = (await store.listCoverageRecords({ fromDay: '2000-01-01', toDay: '2100-01-01' })).map((c) => c.id);
    } finally {
      await store.close();
    }
    expect(stored.length).toBeGreaterThan(100);
    expect(coverage.length).toBeGreaterThan(0);
    const sent = [...stored, ...coverage];
    expect(flush.stdout).toBe(`bus: ${sent.length} delivered\n`);
    const messages = await streamMessages();
    expect(messages.map((m) => m.rowId).sort()).toEqual([...sent].sort());
    expect(messages.every((m) => m.id === m.rowId)).toBe(true);
    // Zoom's two log types, the coverage records, and Zoomtrail's own audit trail (the CLI's `sink add`).
    expect(new Set(messages.map((m) => m.subject))).toEqual(
      new Set([`${PREFIX}.zoom.activity`, `${PREFIX}.zoom.operation`, `${PREFIX}.zoomtrail.coverage`, `${PREFIX}.zoomtrail.audit`]),
    );

    // sink verify: every stored day read back from the stream, the same ids (exit 0).
    const verify = await cli(['sink', 'verify', 'bus', '--from', '2025-09-01', '--format', 'ndjson']);
    expect(verify.code, verify.stderr).toBe(0);
    const days = verify.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { storeCount: number; sinkCount: number; differs: boolean });
    // verify covers Zoom's streams (their coverage days), not Zoomtrail's own audit events.
    expect(days.reduce((n, d) => n + d.storeCount, 0)).toBe(zoomStored);
    expect(days.every((d) => !d.differs && d.sinkCount === d.storeCount)).toBe(true);

    const again = await cli(['sink', 'flush', '--sink', 'bus']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toBe('bus: 0 delivered\n');
    expect((await (await nc.jetstreamManager()).streams.info(STREAM)).state.messages).toBe(sent.length);

    const list = await cli(['sink', 'list', '--format', 'ndjson']);
    expect(JSON.parse(list.stdout)).toMatchObject({ sink: { name: 'bus', kind: 'nats', format: 'panther' }, backlog: 0, lagMs: 0, delivered: sent.length, lastError: null });
  });

  it('exits 1 with the error and its fix when a sink fails, and keeps its backlog', async () => {
    const sinkAdd = await cli(['sink', 'add', '--name', 'nostream', '--kind', 'nats', '--url', 'nats://127.0.0.1:4222', '--subject-prefix', `${PREFIX}x`]);
    expect(sinkAdd.code, sinkAdd.stderr).toBe(0);
    const flush = await cli(['sink', 'flush', '--sink', 'nostream']);
    expect(flush.code).toBe(1);
    expect(flush.stdout).toMatch(/nostream: FAILED after 0 delivered: NATS JetStream did not acknowledge/);
    expect(flush.stdout).toMatch(/fix: Create a JetStream stream covering/);
    const show = await cli(['sink', 'show', 'nostream']);
    expect(JSON.parse(show.stdout)).toMatchObject({ backlog: expect.any(Number), consecutiveFailures: 1, lastError: { retryable: true } });
    expect((JSON.parse(show.stdout) as { backlog: number }).backlog).toBeGreaterThan(100);

    const health = await cli(['health']);
    expect(health.code, health.stderr).toBe(0);
    expect(health.stdout).toMatch(/Sinks:\n {2}bus \(nats, panther\): backlog 0 events, lag 0 min, delivered \d+, refused 0\n/);
    expect(health.stdout).toMatch(/ {2}nostream \(nats, panther\): backlog \d+ events, lag \d+ min, delivered 0, refused 0\n {4}last error: NATS JetStream did not acknowledge/);
    expect(health.stdout).toContain('    fix: Create a JetStream stream covering');
  });
});
