import { DeadLetters } from '../../shared/aws/dead-letters';
import type { Deps } from '../../shared/deps';
import { keysFromEnv } from '../../shared/aws/keys-from-env';
import { createS3Archive } from '../../shared/aws/s3-archive';
import { createS3Files } from '../../shared/aws/s3-files';
import { createSqsQueues } from '../../shared/aws/sqs-queues';
import { createDynamoStore } from '../../shared/store/dynamo-store';

/**
 * The adapters the functions use, on whatever the environment points at (the shared emulators in tests), with the
 * same MAC keys, so what a test writes verifies as what a function writes.
 */
export async function realDeps(now: () => Date = () => new Date()): Promise<Deps> {
  const [store, queues, files, archive, deadLetters] = await Promise.all([
      createDynamoStore(),
      createSqsQueues(),
      createS3Files(),
      createS3Archive(),
      DeadLetters.fromEnv(),
    ]);
  return { store, queues, files, archive, deadLetters, keys: keysFromEnv(), now };
}
