import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import type { Files } from '../deps';
import { BUCKET_ENV } from '../resources';

/**
 * Options that keep one client working against both S3 and the local emulator: path-style addressing, and
 * checksums only where S3 requires them (the emulator would store chunk framing otherwise).
 */
export const s3ClientConfig = (): S3ClientConfig => ({
  forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3),
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
});

export class S3Files implements Files {
  constructor(
    private readonly bucket: string = process.env[BUCKET_ENV] ?? '',
    readonly client: S3Client = new S3Client(s3ClientConfig()),
  ) {}

  async put(key: string, body: string, contentType: string) {
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }));
  }

  async get(key: string) {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return await out.Body!.transformToString('utf8');
    } catch (e) {
      if (e instanceof NoSuchKey) return undefined;
      throw e;
    }
  }
}
