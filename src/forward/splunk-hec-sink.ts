import { checkDestinationUrl } from '../alert/http-delivery.js';
import type { Sink, SinkConfig } from './sink.js';

/** `zoom:activity` for Zoom.Activity, `zoom:operation` for Zoom.Operation. */
export function splunkSourcetype(logType: string): string {
  return logType.toLowerCase().replace(/\./, ':');
}

function validate(config: SinkConfig, secret: string | null): string | null {
  const problem = checkDestinationUrl(config.url, 'the sink url', 'any');
  if (problem) return problem;
  if (!secret) return 'a splunk-hec sink needs the HEC token as its secret (--secret-stdin or --secret-env)';
  return null;
}

/**
 * Splunk HTTP Event Collector: one POST per batch to
 * `<url>/services/collector/event`, one JSON event object per line with
 * `time` (seconds), `host` (`settings.host`, default `zoomtrail`), `source`
 * (`zoomtrail`), `sourcetype` (`zoom:activity` / `zoom:operation`) and the
 * record as `event`; the token is the sealed secret (`Authorization: Splunk
 * <token>`). A 2xx confirms the batch. Indexer acknowledgement is not used
 * (not built yet): a batch retried after a lost answer may be indexed twice.
 */
export const splunkHecSink: Sink = {
  kind: 'splunk-hec',
  description: 'Splunk HTTP Event Collector (/services/collector/event, sourcetype zoom:activity / zoom:operation, token as the secret)',
  needsSecret: true,
  validate,
  targets: (config) => [{ what: 'the Splunk HEC url', url: config.url }],

  async send(batch, context) {
    const problem = validate(context, context.secret);
    if (problem || !context.secret) return { delivered: [], rejected: [], error: { retryable: false, message: problem ?? 'invalid settings' } };
    if (batch.length === 0) return { delivered: [], rejected: [] };
    const host = typeof context.settings.host === 'string' && context.settings.host !== '' ? context.settings.host : 'zoomtrail';
    const body = batch.map((e) => JSON.stringify({ time: e.eventTimeMs / 1000, host, source: 'zoomtrail', sourcetype: splunkSourcetype(e.logType), event: e.record })).join('\n');
    const url = `${context.url.replace(/\/+$/, '')}/services/collector/event`;
    const target = new URL(url).host;
    let status: number;
    try {
      const response = await context.fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'User-Agent': 'zoomtrail', Authorization: `Splunk ${context.secret}` },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(context.timeoutMs ?? 10_000),
      });
      status = response.status;
      await response.body?.cancel().catch(() => undefined);
    } catch (error) {
      const reason = error instanceof Error ? error.name : 'error';
      return {
        delivered: [],
        rejected: [],
        error: { retryable: true, message: `cannot reach Splunk HEC at ${target} (${reason})`, fix: 'Check that HEC is enabled and reachable; the batch is retried.' },
      };
    }
    if (status >= 200 && status < 300) return { delivered: batch.map((e) => e.rowId), rejected: [] };
    const retryable = status === 408 || status === 429 || status >= 500;
    return {
      delivered: [],
      rejected: [],
      error: {
        retryable,
        message: `HTTP ${status} from Splunk HEC at ${target}`,
        fix:
          status === 401 || status === 403
            ? 'Check the HEC token and give the right one with `zoomtrail sink update <sink> --secret-stdin`.'
            : retryable
              ? 'The batch is retried.'
              : 'Check the URL and the HEC settings (index, sourcetype allowed).',
      },
    };
  },
};
