import type { EventEmitter } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';

/** s3rver's fixed credentials, as the sink's secret `<access key id>:<secret access key>`. */
export const S3RVER_SECRET = 'S3RVER:S3RVER';

/** A real S3-compatible server (s3rver) on 127.0.0.1 with one bucket, and a plain SDK client to read it back. */
export interface S3TestServer {
  endpoint: string;
  bucket: string;
  /** Objects written (PUTs the server completed, overwrites included) since it started: progress without a listing. */
  objectsWritten(): number;
  /** Every object's key, sorted. */
  keys(): Promise<string[]>;
  /** An object's gunzipped NDJSON lines, parsed. */
  records(key: string): Promise<Array<Record<string, unknown>>>;
  /** Deletes an object (a sink that lost it). */
  remove(key: string): Promise<void>;
  close(): Promise<void>;
}

export async function startS3Server(bucket = 'zoomtrail-test'): Promise<S3TestServer> {
  const directory = await mkdtemp(join(tmpdir(), 's3rver-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket }] });
  const address = await server.run();
  let written = 0;
  // s3rver is a Koa app: it emits an S3 event notification for each object written (its types omit the emitter).
  (server as unknown as EventEmitter).on('event', (event: { Records?: Array<{ eventName?: string }> }) => {
    if (event.Records?.some((r) => r.eventName?.startsWith('ObjectCreated:'))) written++;
  });
  const endpoint = `http://127.0.0.1:${address.port}`;
  const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  return {
    endpoint,
    bucket,
    objectsWritten: () => written,
    async keys() {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, ...(token ? { ContinuationToken: token } : {}) }));
        for (const object of page.Contents ?? []) keys.push(object.Key!);
        token = page.NextContinuationToken;
      } while (token);
      return keys.sort();
    },
    async records(key) {
      const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const bytes = Buffer.from(await object.Body!.transformToByteArray());
      // s3rver stores the bytes as sent; a gzip-decoding client would hand back plain text.
      const text = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8');
      return text
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    },
    async remove(key) {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
    async close() {
      client.destroy();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
