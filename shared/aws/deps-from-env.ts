import { DeadLetters } from './dead-letters';
import type { Deps } from '../deps';
import { createDynamoStore } from '../store/dynamo-store';
import { keysFromEnv } from './keys-from-env';
import { createS3Archive } from './s3-archive';
import { createS3Files } from './s3-files';
import { createSqsQueues } from './sqs-queues';

let cached: Promise<Deps> | undefined;

/** The real adapters, made once per Lambda instance (or local process) from the environment. */
export function depsFromEnv(): Promise<Deps> {
  cached ??= (async () => {
    const [store, queues, files, archive, deadLetters] = await Promise.all([
      createDynamoStore(),
      createSqsQueues(),
      createS3Files(),
      createS3Archive(),
      DeadLetters.fromEnv(),
    ]);
    return { store, queues, files, archive, deadLetters, keys: keysFromEnv(), now: () => new Date() };
  })();
  return cached;
}
