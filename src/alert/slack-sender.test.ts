import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { slackSender } from './slack-sender.js';
import { closedPortOrigin, sampleNotification, startReceiver, testContext, type Receiver } from './http-receiver.test-support.js';

const TOKEN_PATH = '/services/T0123ABCD/B0456EFGH/abcdefghijklmnopqrstuvwx';

let receiver: Receiver;
let webhookUrl: string;
beforeEach(async () => {
  receiver = await startReceiver();
  webhookUrl = `${receiver.origin}${TOKEN_PATH}`;
});
afterEach(async () => {
  await receiver.close();
});

function expectNoSecret(text: string): void {
  expect(text).not.toContain(TOKEN_PATH);
  expect(text).not.toContain('abcdefghijklmnopqrstuvwx');
}

describe('slackSender.send', () => {
  it('POSTs {text, blocks} to the webhook URL', async () => {
    const context = testContext();
    const result = await slackSender.send(sampleNotification({ title: 'Role <admin> & owner changed' }), {}, webhookUrl, context);
    expect(result).toMatchObject({ ok: true, status: 200 });
    const request = receiver.requests[0]!;
    expect(request).toMatchObject({ method: 'POST', path: TOKEN_PATH });
    expect(request.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request.body)).toEqual({
      text: '[HIGH] Role &lt;admin&gt; &amp; owner changed',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'Role <admin> & owner changed', emoji: false } },
        {
          type: 'section',
          fields: [
            { type: 'mrkdwn', text: '*Severity*\nHIGH' },
            { type: 'mrkdwn', text: '*Rule*\nZoom Two Factor Authentication Disabled' },
            { type: 'mrkdwn', text: '*Events*\n3' },
            { type: 'mrkdwn', text: '*Status*\nopen' },
            { type: 'mrkdwn', text: '*First event*\n2026-03-01T11:50:00.000Z' },
            { type: 'mrkdwn', text: '*Last event*\n2026-03-01T11:58:00.000Z' },
          ],
        },
        { type: 'section', text: { type: 'mrkdwn', text: '*Runbook*\nConfirm with the admin that the change was intended; re-enable 2FA otherwise.' } },
        { type: 'section', text: { type: 'mrkdwn', text: '<https://zoomtrail.example.com/alerts/alt_01HZX|Open in Zoomtrail>' } },
      ],
    });
    expectNoSecret(result.message);
    expectNoSecret(context.logLines.join(''));
  });

  it('leaves the link out when the alert has no URL and shortens a long runbook', async () => {
    await slackSender.send(sampleNotification({ url: null, runbook: 'r'.repeat(1000) }), {}, webhookUrl, testContext());
    const { blocks } = JSON.parse(receiver.requests[0]!.body) as { blocks: { text?: { text: string } }[] };
    expect(blocks).toHaveLength(3);
    expect(blocks[2]!.text!.text.length).toBeLessThan(320);
    expect(JSON.stringify(blocks)).not.toContain('Open in Zoomtrail');
  });

  it.each([
    [404, 'no_service'],
    [403, 'invalid_token'],
    [400, 'invalid_payload'],
  ])('treats %i %s as not retryable, reporting the status only', async (status, reason) => {
    receiver.reply({ status, body: reason });
    const result = await slackSender.send(sampleNotification(), {}, webhookUrl, testContext());
    expect(result).toMatchObject({ ok: false, retryable: false, status });
    expect(result.message).toContain(`HTTP ${status}`);
    expect(result.message).not.toContain(reason);
    expectNoSecret(result.message);
  });

  it('treats 429 as retryable with Retry-After, and 500 then 200 as retryable then ok', async () => {
    receiver.reply({ status: 429, body: 'rate_limited', headers: { 'Retry-After': '30' } }, { status: 500, body: 'rollup_error' });
    expect(await slackSender.send(sampleNotification(), {}, webhookUrl, testContext())).toMatchObject({ ok: false, retryable: true, status: 429, retryAfterMs: 30_000 });
    expect(await slackSender.send(sampleNotification(), {}, webhookUrl, testContext())).toMatchObject({ ok: false, retryable: true, status: 500 });
    expect(await slackSender.send(sampleNotification(), {}, webhookUrl, testContext())).toMatchObject({ ok: true, status: 200 });
  });

  it('never repeats the webhook path when the receiver echoes it', async () => {
    receiver.reply({ status: 404, body: `no such hook ${TOKEN_PATH}` });
    const result = await slackSender.send(sampleNotification(), {}, webhookUrl, testContext());
    expect(result.message).not.toContain('no such hook');
    expectNoSecret(result.message);
  });

  it('names only the host when the connection is refused or times out', async () => {
    const refusedUrl = `${await closedPortOrigin()}${TOKEN_PATH}`;
    const refused = await slackSender.send(sampleNotification(), {}, refusedUrl, testContext());
    expect(refused).toMatchObject({ ok: false, retryable: true, status: null });
    expect(refused.message).toContain(new URL(refusedUrl).host);
    expectNoSecret(refused.message);

    receiver.reply('hang');
    const hung = await slackSender.send(sampleNotification(), {}, webhookUrl, testContext(200));
    expect(hung).toMatchObject({ ok: false, retryable: true, status: null });
    expectNoSecret(hung.message);
  });
});

describe('slackSender.validate', () => {
  it('needs an https webhook URL as the secret (http only to loopback) and never echoes it', () => {
    expect(slackSender.validate({}, `https://hooks.slack.com${TOKEN_PATH}`)).toBeNull();
    expect(slackSender.validate({}, `http://127.0.0.1:9${TOKEN_PATH}`)).toBeNull();
    expect(slackSender.validate({}, `http://localhost${TOKEN_PATH}`)).toBeNull();
    expect(slackSender.validate({}, null)).toMatch(/needs the Slack secret/);
    const plainHttp = slackSender.validate({}, `http://hooks.slack.com${TOKEN_PATH}`);
    expect(plainHttp).toMatch(/must use https/);
    expectNoSecret(plainHttp!);
    const notUrl = slackSender.validate({}, `hooks.slack.com${TOKEN_PATH}`);
    expect(notUrl).toMatch(/not a valid absolute URL/);
    expectNoSecret(notUrl!);
  });
});
