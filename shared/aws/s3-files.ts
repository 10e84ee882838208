import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import type { Files } from '../deps';
import { BUCKET_ENV } from '../resources';

type Sdk = typeof import('@aws-sdk/client-s3');
type Presigner = typeof import('@aws-sdk/s3-presigned-post');

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
 * Objects in the platform's bucket. The SDK is imported on first use (see createDynamoStore), the POST presigner
 * (AWS's own, which builds and signs the policy document) only by the function that hands out uploads.
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
  };
}
