import { checkDestinationUrl } from '../alert/http-delivery.js';
import { logTypeValue, recordFieldsOf } from './record-day.js';
import type { SendOutcome, Sink, SinkConfig, SinkContext } from './sink.js';

const DEFAULT_INDEX = 'zoomtrail';
const INDEX_NAME = /^[a-z0-9][a-z0-9._-]*$/;
/** The bulk answer is read up to this size (1,000 items' statuses fit easily). */
const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

interface BulkItem {
  status?: number;
  error?: { type?: string; reason?: string };
}

function indexOf(config: SinkConfig): string {
  return typeof config.settings.index === 'string' && config.settings.index !== '' ? config.settings.index : DEFAULT_INDEX;
}

function validate(config: SinkConfig): string | null {
  const problem = checkDestinationUrl(config.url, 'the sink url', 'any');
  if (problem) return problem;
  if (!INDEX_NAME.test(indexOf(config))) return 'the index must be a lower-case Elasticsearch index or data stream name';
  return null;
}

/**
 * Elasticsearch / OpenSearch `_bulk`: one `create` per event into the index or
 * data stream (`--index`, default `zoomtrail`) with `_id` = `p_row_id`, so a
 * re-sent event is answered 409 (already there: counted delivered) and never
 * doubles. Per item: 2xx and 409 delivered; 429 and 5xx retry the batch; any
 * other refusal (a mapping error) makes that event a dead letter. The secret,
 * when given, is an API key (`Authorization: ApiKey <secret>`).
 */
export const elasticsearchSink: Sink = {
  kind: 'elasticsearch',
  description: 'Elasticsearch/OpenSearch _bulk create into an index or data stream, _id = p_row_id (a re-send never doubles); mapping errors become dead letters',
  needsSecret: false,
  validate: (config) => validate(config),
  targets: (config) => [{ what: 'the Elasticsearch url', url: config.url }],

  async send(batch, context): Promise<SendOutcome> {
    const problem = validate(context);
    if (problem) return { delivered: [], rejected: [], error: { retryable: false, message: problem } };
    if (batch.length === 0) return { delivered: [], rejected: [] };
    const index = indexOf(context);
    const body = batch.map((e) => `${JSON.stringify({ create: { _index: index, _id: e.rowId } })}\n${JSON.stringify(e.record)}\n`).join('');
    const url = `${context.url.replace(/\/+$/, '')}/_bulk`;
    const host = new URL(url).host;
    let response: Response;
    try {
      response = await context.fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-ndjson', 'User-Agent': 'zoomtrail', ...(context.secret ? { Authorization: `ApiKey ${context.secret}` } : {}) },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(context.timeoutMs ?? 10_000),
      });
    } catch (error) {
      const reason = error instanceof Error ? error.name : 'error';
      return {
        delivered: [],
        rejected: [],
        error: { retryable: true, message: `cannot reach Elasticsearch at ${host} (${reason})`, fix: 'Check that the cluster is up and reachable; the batch is retried.' },
      };
    }
    if (response.status < 200 || response.status >= 300) {
      await response.body?.cancel().catch(() => undefined);
      const retryable = response.status === 408 || response.status === 429 || response.status >= 500;
      return {
        delivered: [],
        rejected: [],
        error: { retryable, message: `HTTP ${response.status} from ${host} on _bulk`, fix: retryable ? 'The batch is retried.' : 'Check the URL, the index name and the API key.' },
      };
    }
    let items: BulkItem[];
    try {
      const text = await response.text();
      if (text.length > MAX_ANSWER_BYTES) throw new Error('answer too large');
      const answer = JSON.parse(text) as { items?: Array<Record<string, BulkItem>> };
      items = (answer.items ?? []).map((item) => Object.values(item)[0] ?? {});
    } catch {
      return {
        delivered: [],
        rejected: [],
        error: { retryable: true, message: `unreadable _bulk answer from ${host}`, fix: 'Check that the url is an Elasticsearch or OpenSearch endpoint.' },
      };
    }
    if (items.length !== batch.length)
      return { delivered: [], rejected: [], error: { retryable: true, message: `_bulk answered ${items.length} items for ${batch.length} events` } };
    const outcome: SendOutcome = { delivered: [], rejected: [] };
    let retry = 0;
    items.forEach((item, i) => {
      const rowId = batch[i]!.rowId;
      const status = item.status ?? 0;
      if ((status >= 200 && status < 300) || status === 409) outcome.delivered.push(rowId);
      else if (status === 429 || status >= 500 || status === 0) retry++;
      else outcome.rejected.push({ rowId, reason: `HTTP ${status} ${item.error?.type ?? 'error'}: ${(item.error?.reason ?? '').slice(0, 300)}` });
    });
    if (retry > 0)
      outcome.error = {
        retryable: true,
        message: `Elasticsearch refused ${retry} of ${batch.length} events for now (busy or failing)`,
        fix: 'The batch is retried; events already indexed answer 409 and are not doubled.',
      };
    return outcome;
  },

  readBackRowIds: (logType, day, context) => readBackIds(logType, day, context),
};

const DAY_MS = 86_400_000;
const SCROLL_PAGE = 1000;

/**
 * The `_id`s of the index's documents of `logType` on `day` (for `sink
 * verify`): a scrolled `_search` filtered on the format's log-type and time
 * fields (coverage records too: each format has its own).
 */
async function readBackIds(logType: string, day: string, context: SinkContext): Promise<string[]> {
  const base = context.url.replace(/\/+$/, '');
  const fields = recordFieldsOf(context.format);
  const start = Date.parse(`${day}T00:00:00.000Z`);
  const query = {
    bool: {
      filter: [
        { match_phrase: { [fields.logType]: logTypeValue(logType, context.format) } },
        { range: { [fields.time]: { gte: new Date(start).toISOString(), lt: new Date(start + DAY_MS).toISOString(), format: 'strict_date_optional_time||epoch_millis' } } },
      ],
    },
  };
  const ids: string[] = [];
  let answer = await esCall(context, `${base}/${indexOf(context)}/_search?scroll=1m`, { size: SCROLL_PAGE, _source: false, sort: ['_doc'], query });
  for (;;) {
    const hits = answer.hits?.hits ?? [];
    for (const hit of hits) ids.push(hit._id);
    if (hits.length === 0 || !answer._scroll_id) break;
    answer = await esCall(context, `${base}/_search/scroll`, { scroll: '1m', scroll_id: answer._scroll_id });
  }
  if (answer._scroll_id)
    await context
      .fetch(`${base}/_search/scroll`, { method: 'DELETE', headers: esHeaders(context), body: JSON.stringify({ scroll_id: answer._scroll_id }), redirect: 'manual' })
      .then((r) => r.body?.cancel())
      .catch(() => undefined);
  return ids;
}

interface SearchAnswer {
  _scroll_id?: string;
  hits?: { hits?: Array<{ _id: string }> };
}

function esHeaders(context: SinkContext): Record<string, string> {
  return { 'Content-Type': 'application/json', 'User-Agent': 'zoomtrail', ...(context.secret ? { Authorization: `ApiKey ${context.secret}` } : {}) };
}

async function esCall(context: SinkContext, url: string, body: unknown): Promise<SearchAnswer> {
  const response = await context.fetch(url, {
    method: 'POST',
    headers: esHeaders(context),
    body: JSON.stringify(body),
    redirect: 'manual',
    signal: AbortSignal.timeout(context.timeoutMs ?? 30_000),
  });
  const text = await response.text();
  if (response.status === 404) return {};
  if (response.status < 200 || response.status >= 300) throw new Error(`HTTP ${response.status} from ${new URL(url).host} on _search`);
  return JSON.parse(text) as SearchAnswer;
}
