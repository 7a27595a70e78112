import { checkDestinationUrl, postJson } from '../alert/http-delivery.js';
import { signWebhookBody } from '../alert/webhook-sender.js';
import type { Sink, SinkConfig } from './sink.js';

const MIN_SECRET_LENGTH = 16;

function validate(config: SinkConfig, secret: string | null): string | null {
  const problem = checkDestinationUrl(config.url, 'the sink url', 'any');
  if (problem) return problem;
  if (!secret) return `an http sink needs a signing secret of at least ${MIN_SECRET_LENGTH} characters (--secret-stdin or --secret-env)`;
  if (secret.length < MIN_SECRET_LENGTH) return `the http sink's signing secret must be at least ${MIN_SECRET_LENGTH} characters`;
  return null;
}

/**
 * POSTs each batch as NDJSON (one event per line), signed like alert webhooks:
 * `X-Zoomtrail-Timestamp` and `X-Zoomtrail-Signature` = `sha256=` + HMAC-SHA256
 * of `<timestamp>.<body>` (verify with the same code as webhooks). A 2xx
 * confirms the whole batch; anything else retries it (`X-Zoomtrail-Batch`
 * names the first and last row id; each line has its `p_row_id` for the
 * receiver to deduplicate).
 */
export const httpSink: Sink = {
  kind: 'http',
  description: 'POSTs NDJSON batches (one event per line) to an HTTP(S) URL, signed with HMAC-SHA256 like alert webhooks',
  needsSecret: true,
  validate,
  targets: (config) => [{ what: 'the sink url', url: config.url }],

  async send(batch, context) {
    const problem = validate(context, context.secret);
    if (problem || !context.secret)
      return {
        delivered: [],
        rejected: [],
        error: { retryable: false, message: problem ?? 'invalid settings', fix: 'Fix the sink with `zoomtrail sink update <sink>` (its --url and --setting values).' },
      };
    if (batch.length === 0) return { delivered: [], rejected: [] };
    const body = batch.map((e) => JSON.stringify(e.record)).join('\n') + '\n';
    const timestamp = Math.floor(context.clock.now() / 1000);
    const headers = {
      'Content-Type': 'application/x-ndjson',
      'User-Agent': 'zoomtrail',
      'X-Zoomtrail-Timestamp': String(timestamp),
      'X-Zoomtrail-Signature': signWebhookBody(context.secret, timestamp, body),
      'X-Zoomtrail-Batch': `${batch[0]!.rowId}..${batch[batch.length - 1]!.rowId}`,
    };
    const result = await postJson(
      context.url,
      body,
      headers,
      { fetch: context.fetch, clock: context.clock, logger: context.logger, ...(context.timeoutMs ? { timeoutMs: context.timeoutMs } : {}) },
      { redact: [context.secret] },
    );
    if (result.ok) return { delivered: batch.map((e) => e.rowId), rejected: [] };
    return {
      delivered: [],
      rejected: [],
      error: {
        retryable: result.retryable,
        message: result.message,
        fix: result.retryable ? 'Check that the receiver is up; the batch is retried.' : 'Check the sink URL and that the receiver accepts the signing secret.',
      },
    };
  },
};
