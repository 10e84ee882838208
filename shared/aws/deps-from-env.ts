import type { Deps } from '../deps';

let cached: Promise<Deps> | undefined;

/**
 * The real adapters, made once per Lambda instance (or local process) from the environment. The SDK is imported on
 * first use: Lambda's Node.js runtime provides it, so bundles leave it out and stay small.
 */
export function depsFromEnv(): Promise<Deps> {
  cached ??= (async () => {
    const [{ DynamoStore, tableNamesFromEnv }, { S3Files }, { SqsQueues }] = await Promise.all([
      import('../store/dynamo-store'),
      import('./s3-files'),
      import('./sqs-queues'),
    ]);
    return { store: new DynamoStore(tableNamesFromEnv()), queues: new SqsQueues(), files: new S3Files(), now: () => new Date() };
  })();
  return cached;
}
