import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createNetServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOutboundAccess } from '../shared/guarded-fetch.js';
import { createOutboundAddressPolicy } from '../shared/outbound-address-policy.js';
import { ManualClock } from '../shared/clock.js';
import { createLogger } from '../shared/logger.js';
import type { OutboundAddressPolicy } from '../shared/outbound-address-policy.js';
import { sampleSink } from '../store/sink-store-contract.test-support.js';
import { openSqliteStore } from '../store/sqlite-store.js';
import { OPERATION, page, sampleEvent, sampleOperationEvent, sampleSource, START } from '../store/store-contract.test-support.js';
import type { Store } from '../store/store.js';
import { Forwarder } from './forwarder.js';
import { octetCounted } from './syslog-sink.js';

/** The production policy and guarded fetch, allowing `allowedNetworks`. */
const outbound = (allowedNetworks: string[]) => createOutboundAccess(createOutboundAddressPolicy({ allowedNetworks }));

/** A syslog receiver that parses RFC 6587 octet-counted frames from each connection, as a collector does. */
interface SyslogReceiver {
  port: number;
  messages: string[];
  /** Bytes left over that did not form a whole frame (must stay empty). */
  partial(): number;
  close(): Promise<void>;
}

function parseFrames(state: { buffer: Buffer }, into: string[]): void {
  for (;;) {
    const space = state.buffer.indexOf(0x20);
    if (space < 0) return;
    const lengthText = state.buffer.subarray(0, space).toString('ascii');
    if (!/^[1-9]\d*$/.test(lengthText)) throw new Error(`bad frame length "${lengthText}"`);
    const length = Number(lengthText);
    if (state.buffer.length < space + 1 + length) return;
    into.push(state.buffer.subarray(space + 1, space + 1 + length).toString('utf8'));
    state.buffer = state.buffer.subarray(space + 1 + length);
  }
}

async function startReceiver(server: Server, options: { tls?: boolean; port?: number } = {}): Promise<SyslogReceiver> {
  const messages: string[] = [];
  const states = new Set<{ buffer: Buffer }>();
  const sockets = new Set<Socket>();
  server.on(options.tls ? 'secureConnection' : 'connection', (socket: Socket) => {
    const state = { buffer: Buffer.alloc(0) };
    states.add(state);
    sockets.add(socket);
    socket.on('data', (chunk: Buffer) => {
      state.buffer = Buffer.concat([state.buffer, chunk]);
      parseFrames(state, messages);
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    messages,
    partial: () => [...states].reduce((n, s) => n + s.buffer.length, 0),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Waits until the receiver has `count` messages (TCP gives no answer to wait for). */
async function received(receiver: SyslogReceiver, count: number): Promise<string[]> {
  for (let i = 0; i < 200 && receiver.messages.length < count; i++) await new Promise((r) => setTimeout(r, 10));
  return receiver.messages;
}

const MESSAGE = /^<(\d+)>1 (\S+) (\S+) (\S+) - (\S+) - \uFEFF(\{.*\})$/s;

describe('syslog sink (RFC 5424, octet-counted, against real TCP and TLS servers)', () => {
  let store: Store;
  let receiver: SyslogReceiver | undefined;
  let certDir: string;
  let certFile: string;
  let keyFile: string;

  beforeAll(() => {
    certDir = mkdtempSync(join(tmpdir(), 'syslog-tls-'));
    certFile = join(certDir, 'cert.pem');
    keyFile = join(certDir, 'key.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '2',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
        '-keyout',
        keyFile,
        '-out',
        certFile,
      ],
      { stdio: 'ignore' },
    );
  });
  afterAll(() => rmSync(certDir, { recursive: true, force: true }));

  beforeEach(async () => {
    store = await openSqliteStore({ dataDir: ':memory:', clock: new ManualClock(START), env: {} });
    const source = (await store.createSource(sampleSource())).id;
    await store.commitPage(page(source, [sampleEvent('s1', START - 1500, 'Zoë@example.com')]));
    await store.commitPage({
      ...page(source, [sampleOperationEvent('o1', START - 500, { category_type: 'User', action: 'Add', operation_detail: 'Add User a@example.com' })]),
      logType: OPERATION,
    });
  });
  afterEach(async () => {
    await receiver?.close();
    receiver = undefined;
    await store.close();
  });

  const flush = (policy: OutboundAddressPolicy = outbound(['127.0.0.0/8', '::1']).policy) =>
    new Forwarder({ store, clock: new ManualClock(START), logger: createLogger({ level: 'silent' }), fetch: globalThis.fetch, policy }).flush();

  it('sends one RFC 5424 message per event over TCP: PRI from the facility, event time, host, app name, log type as MSGID, the record as JSON', async () => {
    receiver = await startReceiver(createNetServer());
    const sink = await store.createSink(
      sampleSink({ kind: 'syslog', url: `tcp://127.0.0.1:${receiver.port}`, secret: null, settings: { facility: 'local4', appName: 'zt', hostname: 'zt-prod' } }),
    );
    const [result] = await flush();
    expect(result).toMatchObject({ delivered: 2 });
    const messages = await received(receiver, 2);
    expect(receiver.partial()).toBe(0);
    const parsed = messages.map((m) => MESSAGE.exec(m));
    expect(parsed.map((p) => p?.slice(1, 6))).toEqual([
      [String(20 * 8 + 6), new Date(START - 1500).toISOString(), 'zt-prod', 'zt', 'Zoom.Activity'],
      [String(20 * 8 + 6), new Date(START - 500).toISOString(), 'zt-prod', 'zt', 'Zoom.Operation'],
    ]);
    expect(parsed.map((p) => (JSON.parse(p![6]!) as { p_row_id: string }).p_row_id)).toEqual(['s1', 'o1']);
    expect((await store.sinkBacklog(sink.id)).events).toBe(0);
  });

  it('sends over TLS when the server certificate is trusted (--ca-file), and refuses an untrusted one with a fix', async () => {
    receiver = await startReceiver(createTlsServer({ cert: readFileSync(certFile), key: readFileSync(keyFile) }), { tls: true });
    const untrusted = await store.createSink(sampleSink({ name: 'untrusted', kind: 'syslog', url: `tls://127.0.0.1:${receiver.port}`, secret: null }));
    const [refused] = await flush();
    expect(refused?.error).toMatchObject({ retryable: true, fix: expect.stringContaining('--ca-file') });
    expect((await store.sinkBacklog(untrusted.id)).events).toBe(2);
    await store.removeSink(untrusted.id);

    await store.createSink(sampleSink({ kind: 'syslog', url: `tls://127.0.0.1:${receiver.port}`, secret: null, settings: { caFile: certFile } }));
    const [result] = await flush();
    expect(result).toMatchObject({ delivered: 2 });
    const messages = await received(receiver, 2);
    expect(messages.map((m) => MESSAGE.exec(m)?.[1])).toEqual([String(16 * 8 + 6), String(16 * 8 + 6)]); // local0 by default
  });

  it('keeps the batch when the server is down, and reconnects when it is back', async () => {
    const probe = createNetServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const sink = await store.createSink(sampleSink({ kind: 'syslog', url: `tcp://127.0.0.1:${port}`, secret: null }));
    const [down] = await flush();
    expect(down?.error).toMatchObject({ retryable: true, message: expect.stringContaining('ECONNREFUSED') });
    expect((await store.sinkBacklog(sink.id)).events).toBe(2);
    receiver = await startReceiver(createNetServer(), { port });
    const [back] = await flush();
    expect(back).toMatchObject({ delivered: 2 });
    expect(await received(receiver, 2)).toHaveLength(2);
  });

  it('obeys the outbound address policy: a loopback server is refused unless its network is allowed', async () => {
    receiver = await startReceiver(createNetServer());
    const sink = await store.createSink(sampleSink({ kind: 'syslog', url: `tcp://127.0.0.1:${receiver.port}`, secret: null }));
    const [result] = await flush(outbound([]).policy);
    expect(result?.error).toMatchObject({ retryable: false, message: expect.stringContaining('loopback') });
    expect(receiver.messages).toEqual([]);
    expect((await store.sinkBacklog(sink.id)).events).toBe(2);
  });

  it('counts the frame length in bytes, not characters', () => {
    expect(octetCounted('<134>1 - - - - - é').toString('utf8')).toBe('19 <134>1 - - - - - é'); // 18 characters, 19 bytes;
  });
});
