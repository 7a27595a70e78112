import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signWebhookBody, verifyWebhookSignature, webhookSender } from './webhook-sender.js';
import { closedPortOrigin, FIXED_NOW_MS, sampleNotification, startReceiver, testContext, type Receiver } from './http-receiver.test-support.js';

const SECRET = 'whsec-0123456789abcdef';
const TIMESTAMP = String(FIXED_NOW_MS / 1000);

let receiver: Receiver;
beforeEach(async () => {
  receiver = await startReceiver();
});
afterEach(async () => {
  await receiver.close();
});

describe('webhookSender.send', () => {
  it('POSTs {"version":1,"alert":…} with the documented headers and a verifiable signature', async () => {
    const notification = sampleNotification();
    const context = testContext();
    const result = await webhookSender.send(notification, { url: `${receiver.origin}/hooks/zoomtrail` }, SECRET, context);

    expect(result).toMatchObject({ ok: true, status: 200 });
    expect(receiver.requests).toHaveLength(1);
    const request = receiver.requests[0]!;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/hooks/zoomtrail');
    expect(request.body).toBe(JSON.stringify({ version: 1, alert: notification }));
    expect(request.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'zoomtrail',
      'x-zoomtrail-timestamp': TIMESTAMP,
      'x-zoomtrail-alert-id': 'alt_01HZX',
    });
    const signature = request.headers['x-zoomtrail-signature'];
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(signature).toBe(signWebhookBody(SECRET, TIMESTAMP, request.body));
    expect(verifyWebhookSignature(SECRET, TIMESTAMP, request.body, signature as string, FIXED_NOW_MS)).toBe(true);
    expect(context.logLines.join('')).not.toContain(SECRET);
  });

  it('is retryable on 500 and ok when the receiver recovers', async () => {
    receiver.reply({ status: 500, body: 'internal error' });
    const settings = { url: `${receiver.origin}/` };
    const first = await webhookSender.send(sampleNotification(), settings, SECRET, testContext());
    const second = await webhookSender.send(sampleNotification(), settings, SECRET, testContext());
    expect(first).toMatchObject({ ok: false, retryable: true, status: 500 });
    expect(second).toMatchObject({ ok: true, status: 200 });
  });

  it('passes Retry-After of a 429 on', async () => {
    receiver.reply({ status: 429, headers: { 'Retry-After': '7' } });
    const result = await webhookSender.send(sampleNotification(), { url: `${receiver.origin}/` }, SECRET, testContext());
    expect(result).toMatchObject({ ok: false, retryable: true, status: 429, retryAfterMs: 7000 });
  });

  it('is not retryable on 400, and never echoes the secret', async () => {
    receiver.reply({ status: 400, body: `signature for secret ${SECRET} rejected` });
    const result = await webhookSender.send(sampleNotification(), { url: `${receiver.origin}/` }, SECRET, testContext());
    expect(result).toMatchObject({ ok: false, retryable: false, status: 400 });
    expect(result.message).not.toContain(SECRET);
  });

  it('is retryable when the connection is refused or the receiver hangs', async () => {
    const refused = await webhookSender.send(sampleNotification(), { url: `${await closedPortOrigin()}/` }, SECRET, testContext());
    expect(refused).toMatchObject({ ok: false, retryable: true, status: null });
    receiver.reply('hang');
    const hung = await webhookSender.send(sampleNotification(), { url: `${receiver.origin}/` }, SECRET, testContext(200));
    expect(hung).toMatchObject({ ok: false, retryable: true, status: null });
    expect(hung.message).toMatch(/timed out/);
  });

  it('does not send with unusable settings', async () => {
    const result = await webhookSender.send(sampleNotification(), { url: `${receiver.origin}/` }, 'short', testContext());
    expect(result).toMatchObject({ ok: false, retryable: false });
    expect(receiver.requests).toHaveLength(0);
  });
});

describe('verifyWebhookSignature', () => {
  const body = JSON.stringify({ version: 1, alert: sampleNotification() });
  const signature = signWebhookBody(SECRET, TIMESTAMP, body);

  it('accepts the right secret, body and a timestamp within tolerance', () => {
    expect(verifyWebhookSignature(SECRET, TIMESTAMP, body, signature, FIXED_NOW_MS + 299_000)).toBe(true);
  });

  it('rejects a wrong secret, a tampered body, a changed timestamp or a malformed signature', () => {
    expect(verifyWebhookSignature('another-secret-of-16+', TIMESTAMP, body, signature, FIXED_NOW_MS)).toBe(false);
    expect(verifyWebhookSignature(SECRET, TIMESTAMP, body.replace('HIGH', 'LOW'), signature, FIXED_NOW_MS)).toBe(false);
    expect(verifyWebhookSignature(SECRET, String(Number(TIMESTAMP) + 1), body, signature, FIXED_NOW_MS)).toBe(false);
    expect(verifyWebhookSignature(SECRET, TIMESTAMP, body, signature.slice(0, -1), FIXED_NOW_MS)).toBe(false);
    expect(verifyWebhookSignature(SECRET, TIMESTAMP, body, undefined, FIXED_NOW_MS)).toBe(false);
    expect(verifyWebhookSignature(SECRET, 'abc', body, signature, FIXED_NOW_MS)).toBe(false);
  });

  it('rejects a timestamp older or newer than the tolerance', () => {
    expect(verifyWebhookSignature(SECRET, TIMESTAMP, body, signature, FIXED_NOW_MS + 301_000)).toBe(false);
    expect(verifyWebhookSignature(SECRET, TIMESTAMP, body, signature, FIXED_NOW_MS - 301_000)).toBe(false);
    expect(verifyWebhookSignature(SECRET, TIMESTAMP, body, signature, FIXED_NOW_MS + 3_000_000, 3600)).toBe(true);
  });
});

describe('webhookSender.validate', () => {
  it('names what is missing or invalid', () => {
    expect(webhookSender.validate({ url: 'https://hooks.example.com/x' }, SECRET)).toBeNull();
    expect(webhookSender.validate({}, SECRET)).toMatch(/needs a url/);
    expect(webhookSender.validate({ url: 'hooks.example.com/x' }, SECRET)).toMatch(/not a valid absolute URL/);
    expect(webhookSender.validate({ url: 'ftp://hooks.example.com/x' }, SECRET)).toMatch(/http/);
    expect(webhookSender.validate({ url: 'https://hooks.example.com/x' }, null)).toMatch(/secret of at least 16 characters/);
    expect(webhookSender.validate({ url: 'https://hooks.example.com/x' }, 'fifteen-chars-x')).toMatch(/at least 16 characters/);
  });
});
