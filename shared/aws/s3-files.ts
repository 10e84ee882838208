import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import contentDisposition from 'content-disposition';
import type { Files } from '../deps';
import { BUCKET_ENV } from '../resources';

type Sdk = typeof import('@aws-sdk/client-s3');
type Presigner = typeof import('@aws-sdk/s3-presigned-post');
type UrlPresigner = typeof import('@aws-sdk/s3-request-presigner');

/**
 * Options that keep one client working against both S3 and the local emulator: path-style addressing, and
 * checksums only where S3 requires them (the emulator would store chunk framing otherwise).
 */
export const s3ClientConfig = (): S3ClientConfig => ({
  forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3),
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
});

/**
 * Objects in the platform's bucket. The SDK is imported on first use (see createDynamoStore), the presigners (AWS's
 * own: the POST one builds and signs the policy document, the URL one signs a query string) only where they are used.
 */
export async function createS3Files(bucket: string = process.env[BUCKET_ENV] ?? '', client?: S3Client): Promise<Files> {
  const sdk: Sdk = await import('@aws-sdk/client-s3');
  const s3 = client ?? new sdk.S3Client(s3ClientConfig());
  return {
    async put(key, body, contentType) {
      await s3.send(new sdk.PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
    },
    async get(key) {
      try {
        const out = await s3.send(new sdk.GetObjectCommand({ Bucket: bucket, Key: key }));
        return await out.Body!.transformToString('utf8');
      } catch (e) {
        if (e instanceof sdk.NoSuchKey) return undefined;
        throw e;
      }
    },
    async head(key) {
      try {
        const out = await s3.send(new sdk.HeadObjectCommand({ Bucket: bucket, Key: key }));
        return { size: out.ContentLength ?? 0, contentType: out.ContentType ?? '' };
      } catch (e) {
        // HEAD answers have no body, so a missing key comes as a bare 404 (NotFound), not NoSuchKey.
        if (e instanceof sdk.NotFound || e instanceof sdk.NoSuchKey) return undefined;
        throw e;
      }
    },
    async presignPost(key, { contentType, maxBytes, expiresSeconds }) {
      const { createPresignedPost }: Presigner = await import('@aws-sdk/s3-presigned-post');
      return createPresignedPost(s3, {
        Bucket: bucket,
        Key: key,
        Fields: { 'Content-Type': contentType },
        Conditions: [
          ['eq', '$Content-Type', contentType],
          ['content-length-range', 1, maxBytes],
        ],
        Expires: expiresSeconds,
      });
    },
    async presignGet(key, { fileName, contentType, expiresSeconds }) {
      const { getSignedUrl }: UrlPresigner = await import('@aws-sdk/s3-request-presigner');
      // The response-* overrides are signed into the URL: the name (RFC 6266, with the UTF-8 form for Chinese names)
      // and the type the file was checked as, not whatever the key ends with.
      const get = new sdk.GetObjectCommand({
        Bucket: bucket,
        Key: key,
        ResponseContentDisposition: contentDisposition(fileName),
        ResponseContentType: contentType,
      });
      return getSignedUrl(s3, get, { expiresIn: expiresSeconds });
    },
  };
}
