import { readFileSync } from 'node:fs';
import { isIP, connect as netConnect, type Socket } from 'node:net';
import { hostname as osHostname } from 'node:os';
import { connect as tlsConnect } from 'node:tls';
import { guardedLookup } from '../shared/guarded-fetch.js';
import type { FormattedEvent } from './formats/event-format.js';
import type { Sink, SinkConfig, SinkContext } from './sink.js';

const SOCKET = 'syslog-socket';
const DEFAULT_PORTS = { 'tcp:': 514, 'tls:': 6514 } as const;
const DEFAULT_APP_NAME = 'zoomtrail';
const DEFAULT_FACILITY = 'local0';
/** Informational: an audit record, not a condition of Zoomtrail itself. */
const SEVERITY_INFO = 6;
const PRINTABLE = /^[\x21-\x7e]+$/;
const BOM = '\uFEFF';

/** RFC 5424 section 6.2.1 facility codes by their usual names. */
export const SYSLOG_FACILITIES: Readonly<Record<string, number>> = {
  kern: 0,
  user: 1,
  mail: 2,
  daemon: 3,
  auth: 4,
  syslog: 5,
  lpr: 6,
  news: 7,
  uucp: 8,
  cron: 9,
  authpriv: 10,
  ftp: 11,
  ntp: 12,
  security: 13,
  console: 14,
  solaris: 15,
  local0: 16,
  local1: 17,
  local2: 18,
  local3: 19,
  local4: 20,
  local5: 21,
  local6: 22,
  local7: 23,
};

interface SyslogSettings {
  facility: number | null;
  appName: string;
  hostname: string;
  caFile: string | null;
}

function settingsOf(config: SinkConfig): SyslogSettings {
  const s = config.settings;
  const text = (key: string): string => {
    const value = s[key];
    return typeof value === 'string' ? value : '';
  };
  const facilityText = text('facility') || (typeof s.facility === 'number' ? String(s.facility) : DEFAULT_FACILITY);
  const facility = /^\d+$/.test(facilityText) ? Number(facilityText) : (SYSLOG_FACILITIES[facilityText] ?? null);
  return {
    facility: facility !== null && facility >= 0 && facility <= 23 ? facility : null,
    appName: text('appName') || DEFAULT_APP_NAME,
    hostname: text('hostname') || osHostname() || '-',
    caFile: text('caFile') || null,
  };
}

function endpoint(url: string): { protocol: 'tcp:' | 'tls:'; host: string; port: number } | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'tcp:' && parsed.protocol !== 'tls:') return null;
  if (!parsed.hostname) return null;
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  return { protocol: parsed.protocol, host, port: parsed.port ? Number(parsed.port) : DEFAULT_PORTS[parsed.protocol] };
}

function validate(config: SinkConfig): string | null {
  const target = endpoint(config.url);
  if (!target) return 'a syslog sink url must be tcp://host:port or tls://host:port (RFC 5424 with octet-counted framing)';
  if (config.url.includes('@')) return 'the sink url must not contain a user name or password';
  const s = settingsOf(config);
  if (s.facility === null) return `the facility must be 0-23 or one of ${Object.keys(SYSLOG_FACILITIES).join(', ')}`;
  if (!PRINTABLE.test(s.appName) || s.appName.length > 48) return 'the app name must be 1-48 printable ASCII characters without spaces';
  if (!PRINTABLE.test(s.hostname) || s.hostname.length > 255) return 'the host name must be printable ASCII without spaces';
  if (s.caFile !== null && target.protocol !== 'tls:') return '--ca-file applies only to a tls:// syslog url';
  return null;
}

/**
 * One RFC 5424 message: `<PRI>1 TIMESTAMP HOSTNAME APP-NAME - MSGID - MSG`,
 * PRI = facility * 8 + 6 (informational), TIMESTAMP the event's time (UTC,
 * milliseconds), MSGID the log type, no structured data, MSG the record as
 * one line of JSON after a UTF-8 byte order mark (RFC 5424 section 6.4).
 */
export function syslogMessage(event: FormattedEvent, settings: Pick<SyslogSettings, 'appName' | 'hostname'> & { facility: number }): string {
  const pri = settings.facility * 8 + SEVERITY_INFO;
  const msgId = event.logType.replace(/[^\x21-\x7e]/g, '').slice(0, 32) || '-';
  return `<${pri}>1 ${new Date(event.eventTimeMs).toISOString()} ${settings.hostname} ${settings.appName} - ${msgId} - ${BOM}${JSON.stringify(event.record)}`;
}

/** RFC 6587 octet counting: `MSG-LEN SP SYSLOG-MSG`, the length in bytes. */
export function octetCounted(message: string): Buffer {
  const body = Buffer.from(message, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length} `, 'ascii'), body]);
}

function open(context: SinkContext): Promise<Socket> {
  const target = endpoint(context.url)!;
  const { caFile } = settingsOf(context);
  const timeoutMs = context.timeoutMs ?? 10_000;
  return new Promise((resolve, reject) => {
    const lookup = context.policy ? { lookup: guardedLookup(context.policy) } : {};
    const socket =
      target.protocol === 'tls:'
        ? tlsConnect({
            host: target.host,
            port: target.port,
            ...(isIP(target.host) ? {} : { servername: target.host }),
            ...(caFile ? { ca: readFileSync(caFile, 'utf8') } : {}),
            ...lookup,
          })
        : netConnect({ host: target.host, port: target.port, ...lookup });
    const timer = setTimeout(() => socket.destroy(Object.assign(new Error('connection timed out'), { code: 'ETIMEDOUT' })), timeoutMs);
    socket.once(target.protocol === 'tls:' ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      socket.setKeepAlive(true);
      resolve(socket);
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

async function connection(context: SinkContext): Promise<Socket> {
  const held = context.resources.get(SOCKET) as Socket | undefined;
  if (held && !held.destroyed && held.writable) return held;
  held?.destroy();
  const socket = await open(context);
  // A receiver that closes or breaks the connection: the next batch connects again.
  socket.on('error', () => socket.destroy());
  socket.on('end', () => socket.destroy());
  socket.on('data', () => undefined); // a syslog receiver sends nothing; drain whatever arrives
  context.resources.set(SOCKET, socket);
  return socket;
}

function write(socket: Socket, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const onClose = () => reject(new Error('the connection closed'));
    socket.once('close', onClose);
    socket.write(data, (error) => {
      socket.off('close', onClose);
      if (error) reject(error);
      else resolve();
    });
  });
}

function reasonOf(error: unknown): string {
  if (error instanceof Error && error.name === 'OutboundAddressRefusedError') return error.message;
  const code = (error as { code?: string }).code;
  return code ?? (error instanceof Error ? error.name : 'error');
}

/**
 * Syslog RFC 5424 over TCP (`tcp://`) or TLS (`tls://`, RFC 5425) with
 * octet-counted framing (RFC 6587), one message per event. A batch counts as
 * delivered when the connection accepted all of its bytes: plain syslog has no
 * acknowledgement, so an event in flight when the receiver fails can be lost
 * (use a sink with acknowledgements where that matters). The host obeys the
 * outbound address policy when saved and on every connection.
 */
export const syslogSink: Sink = {
  kind: 'syslog',
  description: 'Syslog RFC 5424 over TCP or TLS, octet-counted framing (RFC 6587), one message per event with the record as JSON',
  needsSecret: false,
  validate: (config) => validate(config),
  // The policy judges http(s) hosts: the syslog host is checked as if it were one.
  targets: (config) => {
    const target = endpoint(config.url);
    return target ? [{ what: 'the syslog server', url: `http://${isIP(target.host) === 6 ? `[${target.host}]` : target.host}:${target.port}/` }] : [];
  },

  async send(batch, context) {
    const problem = validate(context);
    if (problem)
      return {
        delivered: [],
        rejected: [],
        error: { retryable: false, message: problem, fix: 'Fix the sink with `zoomtrail sink update <sink>` (its --url and --setting values).' },
      };
    if (batch.length === 0) return { delivered: [], rejected: [] };
    const settings = settingsOf(context);
    const target = endpoint(context.url)!;
    const refusal =
      context.policy &&
      this.targets(context)
        .map((t) => context.policy!.refusalForUrl(t.url))
        .find((r) => r !== null);
    if (refusal)
      return { delivered: [], rejected: [], error: { retryable: false, message: `the syslog server: ${refusal}`, fix: 'Allow its network with ZOOMTRAIL_ALLOWED_NETWORKS.' } };
    const frames = Buffer.concat(batch.map((e) => octetCounted(syslogMessage(e, { ...settings, facility: settings.facility! }))));
    let socket: Socket;
    try {
      socket = await connection(context);
    } catch (error) {
      return {
        delivered: [],
        rejected: [],
        error: {
          retryable: true,
          message: `cannot connect to the syslog server ${target.host}:${target.port} over ${target.protocol === 'tls:' ? 'TLS' : 'TCP'} (${reasonOf(error)})`,
          fix:
            target.protocol === 'tls:'
              ? 'Check that the server is up and that its certificate is trusted (--ca-file for a private CA); the batch is retried.'
              : 'Check that the server is up and listens for TCP syslog; the batch is retried.',
        },
      };
    }
    try {
      await write(socket, frames);
    } catch (error) {
      socket.destroy();
      context.resources.delete(SOCKET);
      return {
        delivered: [],
        rejected: [],
        error: { retryable: true, message: `the syslog server ${target.host}:${target.port} broke the connection (${reasonOf(error)})`, fix: 'The batch is retried.' },
      };
    }
    return { delivered: batch.map((e) => e.rowId), rejected: [] };
  },

  async close(context) {
    const socket = context.resources.get(SOCKET) as Socket | undefined;
    context.resources.delete(SOCKET);
    if (socket && !socket.destroyed) await new Promise<void>((resolve) => socket.end(() => resolve()));
    socket?.destroy();
  },
};
