import type { TestProject } from 'vitest/node';
import { applyEndpointEnv, startEmulators } from '../../infra/local/emulators';
import { ensureResources } from '../../infra/local/resources';

/** Environment variables through which handlers and SDK clients find the emulators and the resources. */
const SHARED_ENV = /^(AWS_|TABLE_|QUEUE_|BUCKET_)/;

/**
 * One set of emulators, with the manifest's resources, for every integration test file of a run. Test files
 * pick the environment up with `useSharedEmulators()`; each keeps to its own keys, so they can share tables.
 */
export default async function setup(project: TestProject) {
  const emulators = await startEmulators({ dataDir: ':memory:' });
  applyEndpointEnv(emulators.endpoints);
  await ensureResources();
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => SHARED_ENV.test(k))) as Record<string, string>;
  project.provide('sharedEmulators', { endpoints: emulators.endpoints, env });
  return () => emulators.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    sharedEmulators: { endpoints: { dynamodb: string; sqs: string; s3: string }; env: Record<string, string> };
  }
}
