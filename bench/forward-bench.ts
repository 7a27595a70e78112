/**
 * Forwarding throughput (issue 18): events/s per sink kind, every kind against
 * a local server in this process or on this machine (http: an NDJSON
 * receiver; nats: the JetStream server at 127.0.0.1:4222; elasticsearch: a
 * `_bulk` responder; splunk-hec: a HEC responder; s3: s3rver, a real
 * S3-compatible server writing to a temporary directory; syslog: a TCP
 * server) and format (panther, ocsf, ecs), each a `Forwarder.flush` of the
 * same stored events from the start of the forward log, against a baseline of
 * the same serialization without I/O (format + JSON.stringify of each event)
 * in the same run.
 *
 *   npm run bench -- --only forward --records 20000
 */
import { connect } from 'nats';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { formatEvent } from '../src/forward/formats/event-format.js';
import { formatFor } from '../src/forward/formats/format-registry.js';
import { Forwarder } from '../src/forward/forwarder.js';
import { S3RVER_SECRET, startS3Server, type S3TestServer } from '../src/forward/s3-server.test-support.js';
import { ManualClock, utcDay } from '../src/shared/clock.js';
import { createLogger } from '../src/shared/logger.js';
import { openSqliteStore } from '../src/store/sqlite-store.js';
import type { EventRow, StoredEvent } from '../src/store/store.js';
import { BENCH_NOW, BENCH_SECRET_KEY, benchSourceInput } from './bench-data.js';
import { collectGarbage, int, print, rate, table, tempDir } from './bench-util.js';

export const FORWARD_FORMATS = ['panther', 'ocsf', 'ecs'] as const;
export const FORWARD_KINDS = ['http', 'nats', 'elasticsearch', 'splunk-hec', 's3', 'syslog'] as const;
/** The forward benchmark uses min(--records, this) events. */
export const FORWARD_MAX_EVENTS = 20_000;
const PAGE = 1_000;

export interface ForwardResult {
  events: number;
  baseline: Record<string, number>;
  /** kind → format → events/s (null when the sink was unreachable, e.g. no NATS server, or did not take every event). */
  sinks: Record<string, Record<string, number | null>>;
  errors: string[];
}

function row(i: number): EventRow {
  const timeMs = BENCH_NOW - 86_400_000 + i * 1000;
  const ip = `203.0.${(i >> 8) & 255}.${i & 255}`;
  const email = `user${i % 3000}@example.com`;
  const rowId = `fw${i.toString(16).padStart(10, '0')}`;
  return {
    rowId,
    day: utcDay(timeMs),
    eventTimeMs: timeMs,
    emails: [email],
    ipAddresses: [ip],
    event: {
      email,
      time: new Date(timeMs).toISOString(),
      type: i % 5 === 0 ? 'Sign out' : 'Sign in',
      ip_address: ip,
      client_type: 'Browser',
      version: '5.17.0',
      p_log_type: 'Zoom.Activity',
      p_event_time: new Date(timeMs).toISOString(),
      p_row_id: rowId,
      p_parse_time: new Date(BENCH_NOW).toISOString(),
      p_source_id: 'bench',
      p_source_label: 'Bench',
      p_any_emails: [email],
      p_any_ip_addresses: [ip],
    },
  };
}

async function listen(handler: (body: string) => { status: number; body: string }): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answer = handler(Buffer.concat(chunks).toString('utf8'));
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** A syslog receiver: a TCP server that takes every byte and answers nothing (as syslog servers do). */
async function listenTcp(): Promise<{ port: number; close: () => void }> {
  const sockets = new Set<Socket>();
  const server = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('data', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

/** Where and how the sink of `kind` sends in this run. */
interface Target {
  url: string;
  settings: Record<string, unknown>;
  secret: string | null;
}

export async function runForwardBench(records: number): Promise<ForwardResult> {
  const events = Math.min(records, FORWARD_MAX_EVENTS);
  const dir = tempDir('forward');
  const clock = new ManualClock(BENCH_NOW);
  const logger = createLogger({ level: 'silent' });
  const store = await openSqliteStore({ dataDir: dir.dir, clock, env: { ZOOMTRAIL_SECRET_KEY: BENCH_SECRET_KEY } });
  const result: ForwardResult = { events, baseline: {}, sinks: {}, errors: [] };
  const http = await listen(() => ({ status: 200, body: 'ok' }));
  const es = await listen((body) => {
    const n = body.split('\n').filter((l) => l !== '').length / 2;
    return { status: 200, body: JSON.stringify({ errors: false, items: Array.from({ length: n }, () => ({ create: { status: 201 } })) }) };
  });
  const hec = await listen(() => ({ status: 200, body: '{"text":"Success","code":0}' }));
  const syslog = await listenTcp();
  let s3: S3TestServer | null = null;
  try {
    s3 = await startS3Server('zoomtrail-bench');
  } catch (error: unknown) {
    result.errors.push(`s3rver did not start: ${error instanceof Error ? error.message : String(error)}`);
  }
  const tag = randomBytes(4).toString('hex');
  const natsStream = `ZTBENCH_${tag}`;
  const nc = await connect({ servers: '127.0.0.1:4222', timeout: 2000 }).catch((error: unknown) => {
    result.errors.push(`NATS unreachable at 127.0.0.1:4222: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  });
  try {
    const source = (await store.createSource(benchSourceInput('Bench forward', 1))).id;
    const stored: StoredEvent[] = [];
    for (let first = 0; first < events; first += PAGE) {
      const rows = Array.from({ length: Math.min(PAGE, events - first) }, (_, k) => row(first + k));
      await store.commitPage({ sourceId: source, logType: 'Zoom.Activity', events: rows, failures: [], days: [], stream: {} });
      for (const r of rows) stored.push({ ...r, sourceId: source, logType: 'Zoom.Activity', storedAt: BENCH_NOW });
    }
    for (const format of FORWARD_FORMATS) {
      collectGarbage();
      const f = formatFor(format);
      const t = performance.now();
      let bytes = 0;
      for (const e of stored) bytes += JSON.stringify(formatEvent(f, e).record).length;
      result.baseline[format] = events / ((performance.now() - t) / 1000);
      if (bytes === 0) result.errors.push('nothing serialized');
    }
    if (nc) await (await nc.jetstreamManager()).streams.add({ name: natsStream, subjects: [`ztbench${tag}.>`], duplicate_window: 10 * 60 * 1e9 });
    // One unmeasured flush first, so that the first measured run does not pay for warming up the store's read path and the forwarder.
    const warmUp = await store.createSink({
      name: 'warm-up',
      kind: 'http',
      format: 'panther',
      url: `${http.origin}/ingest`,
      settings: {},
      secret: null,
      logTypes: null,
      createdBy: 'bench',
    });
    await new Forwarder({ store, clock, logger, fetch: globalThis.fetch }).flush([warmUp]);
    await store.setSinkPaused(warmUp.id, true);
    for (const kind of FORWARD_KINDS) {
      result.sinks[kind] = {};
      for (const format of FORWARD_FORMATS) {
        const targets: Record<(typeof FORWARD_KINDS)[number], Target | null> = {
          http: { url: `${http.origin}/ingest`, settings: {}, secret: 'bench-signing-secret-0123456789' },
          nats: nc ? { url: 'nats://127.0.0.1:4222', settings: { subjectPrefix: `ztbench${tag}.${format}` }, secret: null } : null,
          elasticsearch: { url: `${es.origin}/`, settings: { index: 'bench' }, secret: null },
          'splunk-hec': { url: `${hec.origin}/`, settings: { host: 'bench' }, secret: 'bench-hec-token-0123456789' },
          s3: s3 ? { url: s3.endpoint, settings: { bucket: s3.bucket, prefix: `bench-${format}` }, secret: S3RVER_SECRET } : null,
          syslog: { url: `tcp://127.0.0.1:${syslog.port}`, settings: { hostname: 'bench' }, secret: null },
        };
        const target = targets[kind];
        if (!target) {
          result.sinks[kind][format] = null;
          continue;
        }
        const sink = await store.createSink({ name: `${kind}-${format}`, kind, format, ...target, logTypes: null, createdBy: 'bench' });
        collectGarbage();
        const t = performance.now();
        const [flushed] = await new Forwarder({ store, clock, logger, fetch: globalThis.fetch }).flush([sink]);
        const seconds = (performance.now() - t) / 1000;
        if (flushed?.error || flushed?.delivered !== events)
          result.errors.push(`${kind} ${format}: ${flushed?.delivered ?? 0} of ${events} delivered ${flushed?.error?.message ?? ''}`);
        result.sinks[kind][format] = flushed?.delivered === events ? events / seconds : null;
        await store.setSinkPaused(sink.id, true);
      }
    }
  } finally {
    if (nc) {
      await (await nc.jetstreamManager()).streams.delete(natsStream).catch(() => undefined);
      await nc.close();
    }
    http.server.close();
    es.server.close();
    hec.server.close();
    syslog.close();
    await s3?.close();
    await store.close();
    dir.remove();
  }
  return result;
}

export function printForward(r: ForwardResult): void {
  const rows: string[][] = [];
  for (const format of FORWARD_FORMATS) rows.push([`baseline: ${format} + JSON.stringify, no I/O`, rate(r.baseline[format] ?? 0), '-']);
  for (const kind of FORWARD_KINDS)
    for (const format of FORWARD_FORMATS) {
      const value = r.sinks[kind]?.[format];
      const base = r.baseline[format] ?? 0;
      rows.push([`${kind} / ${format}`, value === null || value === undefined ? 'n/a' : rate(value), value && base ? `${((value / base) * 100).toFixed(1)}%` : '-']);
    }
  print(table(`Forwarding: ${int(r.events)} stored events per run, Forwarder.flush, batches of 1,000 (events/s)`, ['run', 'events/s', 'of baseline'], rows));
  for (const e of r.errors) print(`  note: ${e}`);
}
