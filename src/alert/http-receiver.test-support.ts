import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DestinationStream } from 'pino';
import { ManualClock } from '../shared/clock.js';
import { createLogger } from '../shared/logger.js';
import type { AlertNotification, SendContext } from './destination.js';

export interface ReceivedRequest {
  method: string;
  /** Path and query as received. */
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A canned answer; `hang` never answers, for timeouts. */
export type Reply = { status: number; body?: string; headers?: Record<string, string> } | 'hang';

/** A real HTTP server on 127.0.0.1 that records requests and answers from a queue (default 200 "ok"). */
export interface Receiver {
  /** Base URL, e.g. `http://127.0.0.1:54321`. */
  origin: string;
  requests: ReceivedRequest[];
  /** Queues answers for the next requests, in order. */
  reply(...replies: Reply[]): void;
  close(): Promise<void>;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

export async function startReceiver(): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const queue: Reply[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const reply = queue.shift() ?? { status: 200, body: 'ok' };
      if (reply === 'hang') return;
      res.writeHead(reply.status, reply.headers ?? {});
      res.end(reply.body ?? '');
    });
  });
  const port = await listen(server);
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    reply: (...replies) => queue.push(...replies),
    close: () => closeServer(server),
  };
}

/** A URL on which nothing listens: the port was just released, so connecting is refused. */
export async function closedPortOrigin(): Promise<string> {
  const server = createServer();
  const port = await listen(server);
  await closeServer(server);
  return `http://127.0.0.1:${port}`;
}

export const FIXED_NOW_MS = Date.parse('2026-03-01T12:00:00Z');

/** A SendContext on a fixed ManualClock whose debug-level log lines land in `logLines`. */
export function testContext(timeoutMs?: number): SendContext & { logLines: string[]; clock: ManualClock } {
  const logLines: string[] = [];
  const stream: DestinationStream = { write: (line: string) => void logLines.push(line) };
  return { fetch: globalThis.fetch, clock: new ManualClock(FIXED_NOW_MS), logger: createLogger({ level: 'debug' }, stream), timeoutMs, logLines };
}

export function sampleNotification(overrides: Partial<AlertNotification> = {}): AlertNotification {
  return {
    alertId: 'alt_01HZX',
    type: 'rule',
    ruleId: 'Zoom.Two.Factor.Authentication.Disabled',
    ruleDisplayName: 'Zoom Two Factor Authentication Disabled',
    title: 'Two-factor authentication disabled by admin@example.com',
    severity: 'HIGH',
    dedup: 'admin@example.com',
    status: 'open',
    eventCount: 3,
    firstEventTime: '2026-03-01T11:50:00.000Z',
    lastEventTime: '2026-03-01T11:58:00.000Z',
    createdAt: '2026-03-01T11:59:00.000Z',
    description: 'A Zoom account administrator disabled 2FA.',
    runbook: 'Confirm with the admin that the change was intended; re-enable 2FA otherwise.',
    reference: 'https://support.zoom.com/hc/en/article?id=zm_kb&sysparm_article=KB0066051',
    tags: ['Zoom', 'Defense Evasion'],
    mitre: ['TA0005:T1556'],
    context: { actor: 'admin@example.com', ip: '203.0.113.7' },
    url: 'https://zoomtrail.example.com/alerts/alt_01HZX',
    ...overrides,
  };
}
