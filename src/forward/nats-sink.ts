import { connect, type NatsConnection } from 'nats';
import { recordDay } from './record-day.js';
import type { Sink, SinkConfig, SinkContext } from './sink.js';

const CONNECTION = 'nats-connection';
const DEFAULT_PREFIX = 'zoomtrail';
const SUBJECT_TOKEN = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;
const encoder = new TextEncoder();

function prefixOf(config: SinkConfig): string {
  return typeof config.settings.subjectPrefix === 'string' && config.settings.subjectPrefix !== '' ? config.settings.subjectPrefix : DEFAULT_PREFIX;
}

/** `<prefix>.zoom.activity` for Zoom.Activity, `<prefix>.zoom.operation` for Zoom.Operation. */
export function natsSubject(prefix: string, logType: string): string {
  return `${prefix}.${logType.toLowerCase().replace(/[^a-z0-9]+/g, '.')}`;
}

function validate(config: SinkConfig): string | null {
  let url: URL;
  try {
    url = new URL(config.url);
  } catch {
    return 'the sink url is not a valid absolute URL (nats://host:4222)';
  }
  if (url.protocol !== 'nats:' && url.protocol !== 'tls:') return 'a nats sink url must be nats://host:port (or tls://host:port)';
  if (url.username || url.password) return 'the sink url must not contain a user name or password: give a token with --secret-stdin';
  if (!SUBJECT_TOKEN.test(prefixOf(config))) return 'the subject prefix must be NATS subject tokens (letters, digits, - and _) separated by dots';
  return null;
}

async function connection(context: SinkContext): Promise<NatsConnection> {
  const open = context.resources.get(CONNECTION) as NatsConnection | undefined;
  if (open && !open.isClosed()) return open;
  const url = new URL(context.url);
  const nc = await connect({
    servers: `${url.hostname}:${url.port || '4222'}`,
    ...(url.protocol === 'tls:' ? { tls: {} } : {}),
    ...(context.secret ? { token: context.secret } : {}),
    timeout: context.timeoutMs ?? 10_000,
    reconnect: false,
  });
  context.resources.set(CONNECTION, nc);
  return nc;
}

/**
 * Publishes each event to JetStream on `<prefix>.<log type>` with the
 * `Nats-Msg-Id` header set to its row id, so the stream drops a re-sent event
 * within its duplicate window (a retried batch is not doubled). Only
 * acknowledged events count as delivered; a stream must cover the subjects
 * (e.g. `nats stream add ZOOMTRAIL --subjects 'zoomtrail.>'`).
 */
export const natsSink: Sink = {
  kind: 'nats',
  description: 'publishes each event to NATS JetStream on <prefix>.zoom.activity / .zoom.operation, Nats-Msg-Id = p_row_id (server-side dedup)',
  needsSecret: false,
  validate,
  // The policy judges http(s) hosts: the NATS host is checked as if it were one.
  targets: (config) => {
    try {
      const url = new URL(config.url);
      return [{ what: 'the NATS server', url: `http://${url.host}/` }];
    } catch {
      return [];
    }
  },

  async send(batch, context) {
    const problem = validate(context);
    if (problem) return { delivered: [], rejected: [], error: { retryable: false, message: problem } };
    if (batch.length === 0) return { delivered: [], rejected: [] };
    let nc: NatsConnection;
    try {
      nc = await connection(context);
    } catch (error) {
      return {
        delivered: [],
        rejected: [],
        error: {
          retryable: true,
          message: `cannot connect to NATS at ${new URL(context.url).host}: ${messageOf(error, context.secret)}`,
          fix: 'Check that the NATS server is up and reachable.',
        },
      };
    }
    const js = nc.jetstream();
    const prefix = prefixOf(context);
    const results = await Promise.allSettled(
      batch.map((e) => js.publish(natsSubject(prefix, e.logType), encoder.encode(JSON.stringify(e.record)), { msgID: e.rowId, timeout: context.timeoutMs ?? 10_000 })),
    );
    const delivered: string[] = [];
    let failure: unknown;
    results.forEach((r, i) => {
      if (r.status === 'fulfilled') delivered.push(batch[i]!.rowId);
      else failure ??= r.reason;
    });
    if (failure === undefined) return { delivered, rejected: [] };
    const message = messageOf(failure, context.secret);
    const noStream = /no responders|503/i.test(message);
    return {
      delivered: [],
      rejected: [],
      error: {
        retryable: true,
        message: `NATS JetStream did not acknowledge ${batch.length - delivered.length} of ${batch.length} events: ${message}`,
        fix: noStream
          ? `Create a JetStream stream covering "${prefix}.>" (nats stream add --subjects '${prefix}.>').`
          : 'Check the NATS server and its JetStream limits; the batch is retried.',
      },
    };
  },

  async readBackRowIds(logType, day, context) {
    const subject = natsSubject(prefixOf(context), logType);
    const key = `readback:${subject}`;
    let byDay = context.resources.get(key) as Map<string, string[]> | undefined;
    if (!byDay) {
      byDay = await readSubject(await connection(context), subject, context.format);
      context.resources.set(key, byDay);
    }
    return byDay.get(day) ?? [];
  },

  async close(context) {
    const nc = context.resources.get(CONNECTION) as NatsConnection | undefined;
    context.resources.delete(CONNECTION);
    if (nc && !nc.isClosed()) await nc.drain().catch(() => nc.close());
  },
};

/**
 * Every message on `subject` of the stream that holds it (an ordered
 * consumer, no state left on the server), by the UTC day of its record:
 * `Nats-Msg-Id` is the row id. Read once per subject and verify run.
 */
async function readSubject(nc: NatsConnection, subject: string, format: string | undefined): Promise<Map<string, string[]>> {
  const byDay = new Map<string, string[]>();
  const jsm = await nc.jetstreamManager();
  const stream = await jsm.streams.find(subject);
  const info = await jsm.streams.info(stream, { subjects_filter: subject });
  const total = info.state.subjects?.[subject] ?? 0;
  if (total === 0) return byDay;
  const consumer = await nc.jetstream().consumers.get(stream, { filterSubjects: subject });
  const messages = await consumer.consume();
  for await (const m of messages) {
    const rowId = m.headers?.get('Nats-Msg-Id');
    let day: string | undefined;
    try {
      day = recordDay(JSON.parse(new TextDecoder().decode(m.data)), format);
    } catch {
      day = undefined;
    }
    if (rowId && day) {
      const ids = byDay.get(day) ?? [];
      ids.push(rowId);
      byDay.set(day, ids);
    }
    if (m.info.pending === 0) break;
  }
  messages.stop();
  return byDay;
}

function messageOf(error: unknown, secret: string | null): string {
  const text = error instanceof Error ? error.message || error.name : String(error);
  return secret ? text.split(secret).join('[REDACTED]') : text;
}
