import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PAGERDUTY_EVENTS_URL, pagerdutyEvent, pagerdutySender } from './pagerduty-sender.js';
import { closedPortOrigin, sampleNotification, startReceiver, testContext, type Receiver } from './http-receiver.test-support.js';

const ROUTING_KEY = 'R0UT1NGKEY0123456789abcdefABCDEF';

let receiver: Receiver;
let url: string;
beforeEach(async () => {
  receiver = await startReceiver();
  url = `${receiver.origin}/v2/enqueue`;
});
afterEach(async () => {
  await receiver.close();
});

const accepted = { status: 202, body: '{"status":"success","message":"Event processed","dedup_key":"zoomtrail-alt_01HZX"}' };

describe('pagerdutySender.send', () => {
  it('POSTs an Events API v2 trigger event; 202 is ok', async () => {
    receiver.reply(accepted);
    const context = testContext();
    const result = await pagerdutySender.send(sampleNotification(), { url }, ROUTING_KEY, context);
    expect(result).toMatchObject({ ok: true, status: 202 });
    const request = receiver.requests[0]!;
    expect(request).toMatchObject({ method: 'POST', path: '/v2/enqueue' });
    expect(request.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request.body)).toEqual({
      routing_key: ROUTING_KEY,
      event_action: 'trigger',
      dedup_key: 'zoomtrail-alt_01HZX',
      payload: {
        summary: 'Two-factor authentication disabled by admin@example.com',
        source: 'zoomtrail',
        severity: 'error',
        timestamp: '2026-03-01T11:50:00.000Z',
        component: 'zoom',
        group: 'Zoom.Two.Factor.Authentication.Disabled',
        class: 'Zoom Two Factor Authentication Disabled',
        custom_details: {
          actor: 'admin@example.com',
          ip: '203.0.113.7',
          eventCount: 3,
          dedup: 'admin@example.com',
          runbook: 'Confirm with the admin that the change was intended; re-enable 2FA otherwise.',
          reference: 'https://support.zoom.com/hc/en/article?id=zm_kb&sysparm_article=KB0066051',
          mitre: ['TA0005:T1556'],
          tags: ['Zoom', 'Defense Evasion'],
        },
      },
      links: [{ href: 'https://zoomtrail.example.com/alerts/alt_01HZX', text: 'Open in Zoomtrail' }],
    });
    expect(result.message).not.toContain(ROUTING_KEY);
    expect(context.logLines.join('')).not.toContain(ROUTING_KEY);
  });

  it("reports a 400 by its status and our words, never PagerDuty's answer or the routing key", async () => {
    receiver.reply({
      status: 400,
      body: JSON.stringify({ status: 'invalid event', message: 'Event object is invalid', errors: [`routing_key ${ROUTING_KEY} is not 32 characters`] }),
    });
    const result = await pagerdutySender.send(sampleNotification(), { url }, ROUTING_KEY, testContext());
    expect(result).toMatchObject({ ok: false, retryable: false, status: 400 });
    expect(result.message).toMatch(/^HTTP 400 from [^:]+:\d+: the receiver refused the alert; check the URL and the secret$/);
    expect(result.message).not.toContain('Event object is invalid');
    expect(result.message).not.toContain(ROUTING_KEY);
  });

  it('retries 429 (with Retry-After) and 5xx, then succeeds', async () => {
    receiver.reply({ status: 429, headers: { 'Retry-After': '60' } }, { status: 502, body: 'bad gateway' }, accepted);
    expect(await pagerdutySender.send(sampleNotification(), { url }, ROUTING_KEY, testContext())).toMatchObject({ ok: false, retryable: true, status: 429, retryAfterMs: 60_000 });
    expect(await pagerdutySender.send(sampleNotification(), { url }, ROUTING_KEY, testContext())).toMatchObject({ ok: false, retryable: true, status: 502 });
    expect(await pagerdutySender.send(sampleNotification(), { url }, ROUTING_KEY, testContext())).toMatchObject({ ok: true, status: 202 });
  });

  it('is retryable when the connection is refused or times out', async () => {
    const refused = await pagerdutySender.send(sampleNotification(), { url: `${await closedPortOrigin()}/v2/enqueue` }, ROUTING_KEY, testContext());
    expect(refused).toMatchObject({ ok: false, retryable: true, status: null });
    receiver.reply('hang');
    const hung = await pagerdutySender.send(sampleNotification(), { url }, ROUTING_KEY, testContext(200));
    expect(hung).toMatchObject({ ok: false, retryable: true, status: null });
  });
});

describe('pagerdutyEvent', () => {
  it('maps status to event_action and severity to PagerDuty severity', () => {
    const action = (status: 'open' | 'acknowledged' | 'resolved') => pagerdutyEvent(sampleNotification({ status }), ROUTING_KEY).event_action;
    expect([action('open'), action('acknowledged'), action('resolved')]).toEqual(['trigger', 'acknowledge', 'resolve']);
    const severity = (s: 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW' | 'INFO') =>
      (pagerdutyEvent(sampleNotification({ severity: s }), ROUTING_KEY).payload as { severity: string }).severity;
    expect(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFO'].map((s) => severity(s as 'INFO'))).toEqual(['critical', 'error', 'warning', 'info', 'info']);
  });

  it('caps the summary at 1024 characters and sends no links without a URL', () => {
    const event = pagerdutyEvent(sampleNotification({ title: 't'.repeat(2000), url: null }), ROUTING_KEY);
    expect((event.payload as { summary: string }).summary).toHaveLength(1024);
    expect(event.links).toEqual([]);
  });

  it('lets Zoomtrail fields win over same-named alert context keys', () => {
    const event = pagerdutyEvent(sampleNotification({ context: { eventCount: 'spoofed', user: 'u' } }), ROUTING_KEY);
    expect((event.payload as { custom_details: Record<string, unknown> }).custom_details).toMatchObject({ eventCount: 3, user: 'u' });
  });
});

describe('pagerdutySender.validate', () => {
  it('needs a routing key without whitespace and an http(s) events URL', () => {
    expect(PAGERDUTY_EVENTS_URL).toBe('https://events.pagerduty.com/v2/enqueue');
    expect(pagerdutySender.validate({}, ROUTING_KEY)).toBeNull();
    expect(pagerdutySender.validate({ url: 'http://127.0.0.1:8080/v2/enqueue' }, ROUTING_KEY)).toBeNull();
    expect(pagerdutySender.validate({}, null)).toMatch(/routing key/);
    expect(pagerdutySender.validate({}, '')).toMatch(/routing key/);
    expect(pagerdutySender.validate({}, `${ROUTING_KEY} `)).toMatch(/must not contain spaces/);
    expect(pagerdutySender.validate({ url: 'events.pagerduty.com' }, ROUTING_KEY)).toMatch(/not a valid absolute URL/);
    expect(pagerdutySender.validate({ url: 'http://events.pagerduty.com/v2/enqueue' }, ROUTING_KEY)).toMatch(/https/);
  });
});
