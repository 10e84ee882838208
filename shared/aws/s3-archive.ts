import { createHash } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Archive } from '../deps';
import { BUCKET_ENV } from '../resources';
import { s3ClientConfig } from './s3-files';

type Sdk = typeof import('@aws-sdk/client-s3');

/** `BUCKET_ARCHIVE`: the write-once bucket (Object Lock, compliance mode) the stack creates. */
export const ARCHIVE_BUCKET_ENV = 'BUCKET_ARCHIVE';
/** Without a bucket of its own (the local runtime), the archive lives in the files bucket under this prefix. */
export const LOCAL_ARCHIVE_PREFIX = 'archive/';

/**
 * The archive on S3. Writes are conditional (`If-None-Match: *`), so an existing object is never replaced; under
 * Object Lock even a replacement would only add a version, the first staying locked. Object Lock also requires a
 * Content-MD5 (or checksum) on every write. The SDK is imported on first use, as in createS3Files.
 */
export async function createS3Archive(env: NodeJS.ProcessEnv = process.env, client?: S3Client): Promise<Archive> {
  const own = env[ARCHIVE_BUCKET_ENV];
  const bucket = own ?? env[BUCKET_ENV] ?? '';
  const root = own ? '' : LOCAL_ARCHIVE_PREFIX;
  const sdk: Sdk = await import('@aws-sdk/client-s3');
  const s3 = client ?? new sdk.S3Client(s3ClientConfig());
  return {
    async put(key, body) {
      try {
        await s3.send(
          new sdk.PutObjectCommand({
            Bucket: bucket,
            Key: root + key,
            Body: body,
            ContentType: 'application/json',
            ContentMD5: createHash('md5').update(body, 'utf8').digest('base64'),
            IfNoneMatch: '*',
          }),
        );
      } catch (e) {
        // 412: the key holds an object already, and keeps it.
        if ((e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode !== 412) throw e;
      }
    },
    async get(key) {
      try {
        const out = await s3.send(new sdk.GetObjectCommand({ Bucket: bucket, Key: root + key }));
        return await out.Body!.transformToString('utf8');
      } catch (e) {
        if (e instanceof sdk.NoSuchKey) return undefined;
        throw e;
      }
    },
    async list(prefix) {
      // ListObjects (v1) paged by marker: the local emulator cannot continue a v2 listing (it makes its continuation
      // tokens with DES, which OpenSSL 3 refuses), and S3 pages both alike.
      const keys: string[] = [];
      let marker: string | undefined;
      do {
        const page = await s3.send(new sdk.ListObjectsCommand({ Bucket: bucket, Prefix: root + prefix, Marker: marker }));
        const found = (page.Contents ?? []).map((o) => o.Key!);
        keys.push(...found.map((k) => k.slice(root.length)));
        marker = page.IsTruncated ? found.at(-1) : undefined;
      } while (marker);
      return keys.sort();
    },
  };
}
