import { promisify } from 'node:util';
import { gunzip as gunzipCallback, gzip as gzipCallback } from 'node:zlib';
import type { S3Client } from '@aws-sdk/client-s3';
import { checkDestinationUrl } from '../alert/http-delivery.js';
import type { Clock } from '../shared/clock.js';
import type { FormattedEvent } from './formats/event-format.js';
import { FetchRequestHandler } from './fetch-request-handler.js';
import { recordFieldsOf, valueAt } from './record-day.js';
import type { SendError, SendOutcome, Sink, SinkConfig, SinkContext } from './sink.js';

const gzip = promisify(gzipCallback);
const gunzip = promisify(gunzipCallback);
const CLIENT = 's3-client';
const READ_CLIENT = 's3-read-client';
const WRITING = { verb: 'writing', permission: 's3:PutObject' } as const;
const LISTING = { verb: 'listing', permission: 's3:ListBucket' } as const;
const READING = { verb: 'reading', permission: 's3:GetObject' } as const;
/** The largest object (or listing page) read back: one batch's object is far smaller. */
const MAX_READ_BACK_BYTES = 256 * 1024 * 1024;
const DEFAULT_REGION = 'us-east-1';
/** S3 bucket names (the common rules: 3-63 lower-case letters, digits, dots and hyphens). */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const PREFIX = /^[A-Za-z0-9!_.*'()/-]*$/;
const REGION = /^[a-z0-9-]+$/;
/** Objects uploaded at once within a batch. */
const PARALLEL_UPLOADS = 4;
/**
 * Waits before the 2nd and 3rd try of one PUT that failed transiently (see
 * transientFailure). A PUT of a batch's deterministic key is idempotent, so a
 * try whose answer was lost is harmless to repeat; without these retries one
 * dropped connection failed the whole batch, and `sink flush` with it.
 */
export const S3_PUT_RETRY_MS = [250, 1_000] as const;
/** Connection failures worth another try at once: the server closed or reset a connection (a keep-alive socket it dropped, a server under load). */
const TRANSIENT_CAUSES = new Set(['UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ECONNRESET', 'EPIPE']);

interface S3Settings {
  bucket: string;
  region: string;
  prefix: string;
  pathStyle: boolean;
}

function settingsOf(config: SinkConfig): S3Settings {
  const s = config.settings;
  const text = (key: string): string => {
    const value = s[key];
    return typeof value === 'string' ? value : '';
  };
  let amazon = false;
  try {
    amazon = new URL(config.url).hostname.endsWith('.amazonaws.com');
  } catch {
    // validate reports the URL
  }
  return {
    bucket: text('bucket'),
    region: text('region') || DEFAULT_REGION,
    prefix: text('prefix').replace(/^\/+|\/+$/g, ''),
    pathStyle: typeof s.pathStyle === 'boolean' ? s.pathStyle : !amazon,
  };
}

/** The secret is `<access key id>:<secret access key>` (an access key id has no colon). */
export function parseS3Secret(secret: string | null): { accessKeyId: string; secretAccessKey: string } | null {
  if (!secret) return null;
  const colon = secret.indexOf(':');
  if (colon <= 0 || colon === secret.length - 1) return null;
  return { accessKeyId: secret.slice(0, colon).trim(), secretAccessKey: secret.slice(colon + 1).trim() };
}

function validate(config: SinkConfig, secret: string | null): string | null {
  const problem = checkDestinationUrl(config.url, 'the S3 endpoint (--url)', 'any');
  if (problem) return problem;
  const s = settingsOf(config);
  if (!BUCKET_NAME.test(s.bucket)) return 'an s3 sink needs --bucket: a bucket name of 3-63 lower-case letters, digits, dots and hyphens';
  if (!REGION.test(s.region)) return 'the region must be a region name such as us-east-1';
  if (!PREFIX.test(s.prefix)) return "the prefix may hold only letters, digits and ! _ . * ' ( ) / -";
  if (!parseS3Secret(secret)) return 'an s3 sink needs its credentials as the secret: "<access key id>:<secret access key>" (--secret-stdin or --secret-env)';
  return null;
}

/** `zoom/activity` for Zoom.Activity, `zoom/operation` for Zoom.Operation; another log type keeps its name in lower case. */
function logTypeFolder(logType: string): string {
  const lower = logType.toLowerCase();
  return lower.startsWith('zoom.') ? lower.slice('zoom.'.length) : lower.replace(/[^a-z0-9._-]+/g, '_');
}

/**
 * Where a group of events goes: `[<prefix>/]zoom/<log type>/dt=<UTC day>/<first row id>.json.gz`.
 * Named after the group's first row id: a batch always starts at the sink's
 * cursor, so a retried batch (even one that has grown because more events were
 * stored meanwhile) starts each group with the same event and overwrites the
 * object it wrote before instead of adding a second one.
 */
export function s3ObjectKey(prefix: string, logType: string, eventTimeMs: number, firstRowId: string): string {
  const name = firstRowId.replace(/[^A-Za-z0-9._-]/g, '_');
  return `${s3DayPrefix(prefix, logType, new Date(eventTimeMs).toISOString().slice(0, 10))}${name}.json.gz`;
}

/** The folder of a log type's UTC day: `[<prefix>/]zoom/<log type>/dt=<day>/`. */
export function s3DayPrefix(prefix: string, logType: string, day: string): string {
  return `${prefix ? `${prefix}/` : ''}zoom/${logTypeFolder(logType)}/dt=${day}/`;
}

/** The batch's events grouped by object key (log type and UTC day), in batch order. */
export function s3Objects(prefix: string, batch: readonly FormattedEvent[]): Map<string, FormattedEvent[]> {
  const firstOfGroup = new Map<string, string>();
  const objects = new Map<string, FormattedEvent[]>();
  for (const event of batch) {
    const group = `${event.logType}\n${new Date(event.eventTimeMs).toISOString().slice(0, 10)}`;
    let key = firstOfGroup.get(group);
    if (key === undefined) {
      key = s3ObjectKey(prefix, event.logType, event.eventTimeMs, event.rowId);
      firstOfGroup.set(group, key);
      objects.set(key, []);
    }
    objects.get(key)!.push(event);
  }
  return objects;
}

/** The sink's client for writing (CLIENT) or for reading back (READ_CLIENT: answers as streams, see FetchRequestHandler). */
async function client(context: SinkContext, which: typeof CLIENT | typeof READ_CLIENT = CLIENT): Promise<S3Client> {
  const open = context.resources.get(which) as S3Client | undefined;
  if (open) return open;
  const { S3Client: Client } = await import('@aws-sdk/client-s3');
  const s = settingsOf(context);
  const credentials = parseS3Secret(context.secret)!;
  const made = new Client({
    endpoint: context.url,
    region: s.region,
    forcePathStyle: s.pathStyle,
    credentials,
    // Every request through the app's guarded fetch (outbound address policy). The SDK retries nothing: the sink tries a
    // transiently failed PUT again (withRetries), the forwarder a failed batch.
    requestHandler: new FetchRequestHandler(context.fetch, context.timeoutMs ?? 30_000, which === READ_CLIENT ? { readBack: { maxAnswerBytes: MAX_READ_BACK_BYTES } } : {}),
    maxAttempts: 1,
    // Plain Content-MD5-free PUTs that every S3-compatible server accepts (no aws-chunked trailers).
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  context.resources.set(which, made);
  return made;
}

/** The network error code under a failed fetch (undici puts it on `cause`), if any. */
function causeCode(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error.cause as { code?: unknown } | undefined)?.code ?? (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** A dropped or reset connection, or the 500/502/503/504 S3 asks clients to retry; not a refusal, a timeout or a 4xx. */
export function transientFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (status !== undefined) return [500, 502, 503, 504].includes(status);
  const code = causeCode(error);
  return code !== undefined && TRANSIENT_CAUSES.has(code);
}

/** Runs `put`, trying again after S3_PUT_RETRY_MS while it fails transiently. */
async function withRetries(put: () => Promise<unknown>, clock: Clock): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await put();
      return;
    } catch (error) {
      const wait = S3_PUT_RETRY_MS[attempt];
      if (wait === undefined || !transientFailure(error)) throw error;
      await clock.sleep(wait);
    }
  }
}

/** What an S3 request did wrong, in our words; `access` is the request ("writing <key> to", "reading <key> from") and `permission` what the key needs. */
function failureOf(error: unknown, context: SinkContext, key: string, access: { verb: 'writing' | 'reading' | 'listing'; permission: string } = WRITING): SendError {
  const name = error instanceof Error ? error.name : 'Error';
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const s = settingsOf(context);
  const where = `bucket ${s.bucket} at ${new URL(context.url).host}`;
  if (name === 'OutboundAddressRefusedError')
    return { retryable: false, message: error instanceof Error ? error.message : name, fix: (error as { fix?: string }).fix ?? 'Check ZOOMTRAIL_ALLOWED_NETWORKS.' };
  if (status === undefined) {
    const code = causeCode(error);
    return {
      retryable: true,
      message: `cannot reach the S3 endpoint ${new URL(context.url).host} (${code ? `${name}: ${code}` : name})${access === WRITING && transientFailure(error) ? ` after ${S3_PUT_RETRY_MS.length + 1} tries` : ''}`,
      fix: `Check that the endpoint is up and reachable${access === WRITING ? '; the batch is retried' : ''}.`,
    };
  }
  const credentials = ['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'AccessDenied', 'InvalidToken', 'ExpiredToken'].includes(name) || status === 403;
  const retryable = status === 408 || status === 429 || status >= 500;
  return {
    retryable,
    message: `HTTP ${status} ${name} ${access.verb} ${key} ${access.verb === 'writing' ? 'to' : 'in'} ${where}`,
    fix: credentials
      ? `Check the access key (it needs ${access.permission} on the bucket) and give the right one with \`zoomtrail sink update <sink> --secret-stdin\` (<access key id>:<secret access key>).`
      : name === 'NoSuchBucket'
        ? `Create the bucket "${s.bucket}" or fix --bucket.`
        : retryable
          ? access === WRITING
            ? 'The batch is retried.'
            : 'Try again later.'
          : 'Check the endpoint, the region and whether path-style addressing is needed.',
  };
}

/**
 * S3-compatible object storage (AWS S3, MinIO, R2, GCS interoperability)
 * with the AWS SDK v3: each batch becomes one gzip NDJSON object per log type
 * and UTC day, `[<prefix>/]zoom/<log type>/dt=YYYY-MM-DD/<first row id>.json.gz`
 * (see s3ObjectKey for why a retried batch overwrites rather than doubles).
 * The batch is confirmed when every object of it was written. Requests go
 * through the guarded fetch, so the endpoint obeys the outbound address policy.
 */
export const s3Sink: Sink = {
  kind: 's3',
  description: 'S3-compatible object storage: gzip NDJSON objects zoom/<log type>/dt=YYYY-MM-DD/<first row id>.json.gz (a retried batch overwrites itself)',
  needsSecret: true,
  validate,
  targets: (config) => [{ what: 'the S3 endpoint', url: config.url }],

  async send(batch, context): Promise<SendOutcome> {
    const problem = validate(context, context.secret);
    if (problem)
      return {
        delivered: [],
        rejected: [],
        error: {
          retryable: false,
          message: problem,
          fix: 'Fix the sink with `zoomtrail sink update <sink>` (--url, --setting bucket=..., or the credentials with --secret-stdin).',
        },
      };
    if (batch.length === 0) return { delivered: [], rejected: [] };
    const { PutObjectCommand } = await import('@aws-sdk/client-s3');
    const s3 = await client(context);
    const { bucket, prefix } = settingsOf(context);
    const objects = [...s3Objects(prefix, batch)];
    let failure: SendError | undefined;
    for (let i = 0; i < objects.length && !failure; i += PARALLEL_UPLOADS) {
      await Promise.all(
        objects.slice(i, i + PARALLEL_UPLOADS).map(async ([key, events]) => {
          const body = await gzip(events.map((e) => JSON.stringify(e.record)).join('\n') + '\n');
          try {
            await withRetries(
              () =>
                s3.send(
                  new PutObjectCommand({
                    Bucket: bucket,
                    Key: key,
                    Body: body,
                    ContentType: 'application/x-ndjson',
                    ContentEncoding: 'gzip',
                    Metadata: { events: String(events.length) },
                  }),
                ),
              context.clock,
            );
          } catch (error) {
            failure ??= failureOf(error, context, key);
          }
        }),
      );
    }
    if (failure) return { delivered: [], rejected: [], error: redacted(failure, context.secret) };
    return { delivered: batch.map((e) => e.rowId), rejected: [] };
  },

  readBackRowIds: (logType, day, context) => readBackIds(logType, day, context),

  async close(context) {
    for (const which of [CLIENT, READ_CLIENT]) {
      const open = context.resources.get(which) as S3Client | undefined;
      context.resources.delete(which);
      open?.destroy();
    }
  },
};

/**
 * The row ids the bucket holds for `logType` on `day` (for `sink verify`):
 * every object under the day's folder (ListObjectsV2, page by page), read
 * one at a time, each NDJSON line's row id where the sink's format keeps it
 * (coverage records too: they have a folder of their own). An object is
 * gunzipped unless the fetch already decoded it (it is stored with
 * Content-Encoding gzip). Memory: one object and the day's ids.
 */
async function readBackIds(logType: string, day: string, context: SinkContext): Promise<string[]> {
  const problem = validate(context, context.secret);
  if (problem) throw new Error(problem);
  const { GetObjectCommand, ListObjectsV2Command } = await import('@aws-sdk/client-s3');
  const s3 = await client(context, READ_CLIENT);
  const { bucket, prefix } = settingsOf(context);
  const rowIdField = recordFieldsOf(context.format).rowId;
  const ids: string[] = [];
  let token: string | undefined;
  const folder = s3DayPrefix(prefix, logType, day);
  /** An SDK failure as an error in our words, with its fix (never the credentials). */
  const failed = (error: unknown, key: string, access: typeof LISTING | typeof READING): Error => {
    const failure = redacted(failureOf(error, context, key, access), context.secret);
    return new Error(`${failure.message}. ${failure.fix ?? ''}`.trim());
  };
  do {
    const listing = await s3
      .send(new ListObjectsV2Command({ Bucket: bucket, Prefix: folder, ...(token ? { ContinuationToken: token } : {}) }))
      .catch((error: unknown) => Promise.reject(failed(error, folder, LISTING)));
    for (const object of listing.Contents ?? []) {
      if (!object.Key) continue;
      const key = object.Key;
      const answer = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key })).catch((error: unknown) => Promise.reject(failed(error, key, READING)));
      const bytes = Buffer.from((await answer.Body?.transformToByteArray()) ?? []);
      const text = bytes[0] === 0x1f && bytes[1] === 0x8b ? (await gunzip(bytes, { maxOutputLength: MAX_READ_BACK_BYTES })).toString('utf8') : bytes.toString('utf8');
      for (const line of text.split('\n')) {
        if (line.trim() === '') continue;
        const rowId = valueAt(JSON.parse(line), rowIdField);
        if (typeof rowId === 'string') ids.push(rowId);
      }
    }
    token = listing.IsTruncated ? listing.NextContinuationToken : undefined;
  } while (token);
  return ids;
}

function redacted(error: SendError, secret: string | null): SendError {
  const credentials = parseS3Secret(secret);
  if (!credentials) return error;
  const clean = (text: string) => text.split(credentials.secretAccessKey).join('[REDACTED]').split(credentials.accessKeyId).join('[REDACTED]');
  return { ...error, message: clean(error.message), ...(error.fix ? { fix: clean(error.fix) } : {}) };
}
