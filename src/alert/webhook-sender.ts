import { createHmac, timingSafeEqual } from 'node:crypto';
import type { DestinationSender } from './destination.js';
import type { DestinationSecret, DestinationSettings } from '../domain/destination-settings.js';
import { checkDestinationUrl, postJson } from './http-delivery.js';

const MIN_SECRET_LENGTH = 16;
const SIGNATURE_PREFIX = 'sha256=';

/**
 * The `X-Zoomtrail-Signature` value for `body` sent at `timestamp` (Unix
 * seconds): `sha256=` + hex HMAC-SHA256 of `<timestamp>.<body>`. Signing the
 * timestamp with the body lets receivers reject replays of old deliveries.
 */
export function signWebhookBody(secret: string, timestamp: number | string, body: string): string {
  return SIGNATURE_PREFIX + createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/**
 * What a receiver runs on an incoming delivery: true when `signatureHeader`
 * matches `body` and `timestampHeader` is within `toleranceSeconds` of
 * `nowMs`. `body` must be the raw bytes as received, not re-serialized JSON.
 */
export function verifyWebhookSignature(
  secret: string,
  timestampHeader: string | null | undefined,
  body: string,
  signatureHeader: string | null | undefined,
  nowMs: number,
  toleranceSeconds = 300,
): boolean {
  if (!timestampHeader || !signatureHeader || !/^\d{1,15}$/.test(timestampHeader)) return false;
  if (Math.abs(nowMs / 1000 - Number(timestampHeader)) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhookBody(secret, timestampHeader, body));
  const actual = Buffer.from(signatureHeader);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

function validateWebhook(settings: DestinationSettings, secret: DestinationSecret): string | null {
  if (!settings.url) return 'a webhook destination needs a url';
  const urlProblem = checkDestinationUrl(settings.url, 'the webhook url', 'any');
  if (urlProblem) return urlProblem;
  if (!secret) return `a webhook destination needs a signing secret of at least ${MIN_SECRET_LENGTH} characters`;
  if (secret.length < MIN_SECRET_LENGTH) return `the webhook signing secret must be at least ${MIN_SECRET_LENGTH} characters`;
  return null;
}

/** POSTs `{"version":1,"alert":…}` signed with the secret to any http(s) receiver. */
export const webhookSender: DestinationSender = {
  kind: 'webhook',
  description: 'POSTs each alert as signed JSON to an HTTP(S) URL (X-Zoomtrail-Signature: HMAC-SHA256 with the secret).',
  needsSecret: true,

  validate: validateWebhook,
  targets: (settings) => (settings.url ? [{ field: 'url', what: 'the webhook url', url: settings.url }] : []),

  async send(notification, settings, secret, context) {
    const problem = validateWebhook(settings, secret);
    if (problem || !settings.url || !secret) return { ok: false, retryable: false, status: null, message: problem ?? 'invalid settings' };
    const body = JSON.stringify({ version: 1, alert: notification });
    const timestamp = Math.floor(context.clock.now() / 1000);
    const headers = {
      'User-Agent': 'zoomtrail',
      'X-Zoomtrail-Timestamp': String(timestamp),
      'X-Zoomtrail-Signature': signWebhookBody(secret, timestamp, body),
      'X-Zoomtrail-Alert-Id': notification.alertId,
    };
    return postJson(settings.url, body, headers, context, { redact: [secret] });
  },
};
