import type { Deps } from '../deps';
import { createDynamoStore } from '../store/dynamo-store';
import { keysFromEnv } from './keys-from-env';
import { createS3Files } from './s3-files';
import { createSqsQueues } from './sqs-queues';

let cached: Promise<Deps> | undefined;

/** The real adapters, made once per Lambda instance (or local process) from the environment. */
export function depsFromEnv(): Promise<Deps> {
  cached ??= (async () => {
    const [store, queues, files] = await Promise.all([createDynamoStore(), createSqsQueues(), createS3Files()]);
    return { store, queues, files, keys: keysFromEnv(), now: () => new Date() };
  })();
  return cached;
}
