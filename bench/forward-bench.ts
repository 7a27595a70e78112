/**
 * Forwarding throughput (issue 18): events/s per sink kind (http to a local
 * NDJSON receiver, NATS JetStream at 127.0.0.1:4222, an Elasticsearch `_bulk`
 * double) and format (panther, ocsf, ecs), each a `Forwarder.flush` of the
 * same stored events from the start of the forward log, against a baseline of
 * the same serialization without I/O (format + JSON.stringify of each event)
 * in the same run.
 *
 *   npm run bench -- --only forward --records 20000
 */
import { connect } from 'nats';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { formatEvent } from '../src/forward/formats/event-format.js';
import { formatFor } from '../src/forward/formats/format-registry.js';
import { Forwarder } from '../src/forward/forwarder.js';
import { ManualClock, utcDay } from '../src/shared/clock.js';
import { createLogger } from '../src/shared/logger.js';
import { openSqliteStore } from '../src/store/sqlite-store.js';
import type { EventRow, StoredEvent } from '../src/store/store.js';
import { BENCH_NOW, BENCH_SECRET_KEY, benchSourceInput } from './bench-data.js';
import { collectGarbage, int, print, rate, table, tempDir } from './bench-util.js';

export const FORWARD_FORMATS = ['panther', 'ocsf', 'ecs'] as const;
export const FORWARD_KINDS = ['http', 'nats', 'elasticsearch'] as const;
/** The forward benchmark uses min(--records, this) events. */
export const FORWARD_MAX_EVENTS = 20_000;
const PAGE = 1_000;

export interface ForwardResult {
  events: number;
  baseline: Record<string, number>;
  /** kind → format → events/s (null when the sink was unreachable, e.g. no NATS server). */
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
    for (const kind of FORWARD_KINDS) {
      result.sinks[kind] = {};
      for (const format of FORWARD_FORMATS) {
        if (kind === 'nats' && !nc) {
          result.sinks[kind][format] = null;
          continue;
        }
        const sink = await store.createSink({
          name: `${kind}-${format}`,
          kind,
          format,
          url: kind === 'http' ? `${http.origin}/ingest` : kind === 'elasticsearch' ? `${es.origin}/` : 'nats://127.0.0.1:4222',
          settings: kind === 'nats' ? { subjectPrefix: `ztbench${tag}.${format}` } : kind === 'elasticsearch' ? { index: 'bench' } : {},
          secret: kind === 'http' ? 'bench-signing-secret-0123456789' : null,
          logTypes: null,
          createdBy: 'bench',
        });
        collectGarbage();
        const t = performance.now();
        const [flushed] = await new Forwarder({ store, clock, logger, fetch: globalThis.fetch }).flush([sink]);
        const seconds = (performance.now() - t) / 1000;
        if (flushed?.error || flushed?.delivered !== events)
          result.errors.push(`${kind} ${format}: ${flushed?.delivered ?? 0} of ${events} delivered ${flushed?.error?.message ?? ''}`);
        result.sinks[kind][format] = events / seconds;
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
