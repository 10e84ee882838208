import { DeadLetters } from './dead-letters';
import type { Deps } from '../deps';
import { createDynamoStore } from '../store/dynamo-store';
import { keysFromEnv } from './keys-from-env';
import { createS3Archive } from './s3-archive';
import { createS3Files } from './s3-files';
import { createSqsQueues } from './sqs-queues';

let cached: { for: string; deps: Promise<Deps> } | undefined;

/**
 * The real adapters, made once per Lambda instance (or local process) from the environment; made again only if the
 * endpoints or key folder it names change, which happens when one process starts a second local runtime.
 */
export function depsFromEnv(): Promise<Deps> {
  const env = process.env;
  const target = [env.AWS_ENDPOINT_URL_DYNAMODB, env.AWS_ENDPOINT_URL_SQS, env.AWS_ENDPOINT_URL_S3, env.MAC_KEY_DIR].join('|');
  if (cached?.for === target) return cached.deps;
  const deps = (async () => {
    const [store, queues, files, archive, deadLetters] = await Promise.all([
      createDynamoStore(),
      createSqsQueues(),
      createS3Files(),
      createS3Archive(),
      DeadLetters.fromEnv(),
    ]);
    return { store, queues, files, archive, deadLetters, keys: keysFromEnv(), now: () => new Date() };
  })();
  cached = { for: target, deps };
  return deps;
}
