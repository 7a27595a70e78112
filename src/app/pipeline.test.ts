import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../alert/http-receiver.test-support.js';
import { loadNormalizers } from '../normalize/log-type-registry.js';
import { ManualClock } from '../shared/clock.js';
import { openSqliteStore } from '../store/sqlite-store.js';
import type { AppContext } from './app-context.js';
import { createPipeline } from './pipeline.js';
import { loopbackOutbound } from './outbound-access.test-support.js';

const NOW = Date.parse('2026-03-10T12:00:00Z');
const CONFIGURED_URL = 'https://zoomtrail.example.com';

let receiver: Receiver | undefined;
let app: AppContext | undefined;
afterEach(async () => {
  await receiver?.close();
  await app?.close();
  receiver = undefined;
  app = undefined;
});

/** An app over an in-memory store whose configured public URL is CONFIGURED_URL, a receiver, and one destination of each HTTP kind posting to it. */
async function setUp(): Promise<{ app: AppContext; receiver: Receiver }> {
  const clock = new ManualClock(NOW);
  const store = await openSqliteStore({ dataDir: ':memory:', memory: true, clock, env: {} });
  app = {
    config: { dataDir: ':memory:', databaseUrl: undefined, logLevel: 'silent', configFile: undefined, port: 8080, publicUrl: CONFIGURED_URL },
    store,
    normalizers: loadNormalizers(),
    logger: pino({ level: 'silent' }),
    clock,
    outbound: loopbackOutbound(),
    close: () => store.close(),
  };
  receiver = await startReceiver();
  await store.createDestination({ name: 'webhook', kind: 'webhook', settings: { url: `${receiver.origin}/webhook` }, enabled: true, secret: 'webhook-signing-secret-0123456789' });
  await store.createDestination({ name: 'slack', kind: 'slack', settings: {}, enabled: true, secret: `${receiver.origin}/slack/services/T0/B0/token-0123456789` });
  await store.createDestination({
    name: 'pagerduty',
    kind: 'pagerduty',
    settings: { url: `${receiver.origin}/pagerduty` },
    enabled: true,
    secret: 'pagerduty-routing-key-0123456789',
  });
  return { app, receiver };
}

/** The console link each sender put in its payload, by destination path. */
function linksByPath(r: Receiver): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const request of r.requests) {
    const body = JSON.parse(request.body) as Record<string, unknown>;
    if (request.path === '/webhook') out.webhook = (body.alert as { url: string | null }).url ?? undefined;
    if (request.path.startsWith('/slack/')) {
      const text = JSON.stringify(body.blocks);
      out.slack = /<([^|>]+)\|Open in Zoomtrail>/.exec(text)?.[1];
    }
    if (request.path === '/pagerduty') out.pagerduty = (body.links as { href: string }[])[0]?.href;
  }
  return out;
}

describe("the pipeline's alert notifications link to the alert in the console", () => {
  it('webhook, Slack and PagerDuty each carry <public URL>/alerts/<id> (the configured public URL by default)', async () => {
    const { app, receiver } = await setUp();
    const { alert } = await app.store.raiseSystemAlert({ ruleId: 'System.LogDropOff', dedup: 'src_1', title: 'No events', severity: 'HIGH', context: {} });
    const pipeline = createPipeline(app);
    expect(await pipeline.deliveries.deliverDue()).toBe(3);
    const link = `${CONFIGURED_URL}/alerts/${alert.id}`;
    expect(linksByPath(receiver)).toEqual({ webhook: link, slack: link, pagerduty: link });
  });

  it('uses the public URL it is given (the address `start` serves the console at)', async () => {
    const { app, receiver } = await setUp();
    const { alert } = await app.store.raiseSystemAlert({ ruleId: 'System.LogDropOff', dedup: 'src_2', title: 'No events', severity: 'HIGH', context: {} });
    const pipeline = createPipeline(app, { publicUrl: 'http://localhost:9123' });
    expect(await pipeline.deliveries.deliverDue()).toBe(3);
    const link = `http://localhost:9123/alerts/${alert.id}`;
    expect(linksByPath(receiver)).toEqual({ webhook: link, slack: link, pagerduty: link });
  });
});
