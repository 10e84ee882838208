import type { Deps } from '../../shared/deps';
import { randomBytes } from 'node:crypto';
import { hmacKey } from '../../shared/keys';
import { createS3Files } from '../../shared/aws/s3-files';
import { createSqsQueues } from '../../shared/aws/sqs-queues';
import { createDynamoStore } from '../../shared/store/dynamo-store';

/** The adapters the functions use, on whatever the environment points at (the shared emulators in tests). */
export async function realDeps(now: () => Date = () => new Date()): Promise<Deps> {
  const [store, queues, files] = await Promise.all([createDynamoStore(), createSqsQueues(), createS3Files()]);
  return { store, queues, files, keys: { audit: hmacKey(randomBytes(32)), identity: hmacKey(randomBytes(32)) }, now };
}
