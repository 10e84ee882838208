import type { Deps } from '../../shared/deps';
import { randomBytes } from 'node:crypto';
import { hmacKey } from '../../shared/keys';
import { createS3Archive } from '../../shared/aws/s3-archive';
import { createS3Files } from '../../shared/aws/s3-files';
import { createSqsQueues } from '../../shared/aws/sqs-queues';
import { createDynamoStore } from '../../shared/store/dynamo-store';

/** The adapters the functions use, on whatever the environment points at (the shared emulators in tests). */
export async function realDeps(now: () => Date = () => new Date()): Promise<Deps> {
  const [store, queues, files, archive] = await Promise.all([createDynamoStore(), createSqsQueues(), createS3Files(), createS3Archive()]);
  return { store, queues, files, archive, keys: { audit: hmacKey(randomBytes(32)), identity: hmacKey(randomBytes(32)) }, now };
}
