import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { MAC_KEY_DIR_ENV } from '../../shared/aws/keys-from-env';
import { applyEndpointEnv, startEmulators } from '../../infra/local/emulators';
import { ensureResources } from '../../infra/local/resources';

/** Environment variables through which handlers and SDK clients find the emulators and the resources. */
const SHARED_ENV = /^(AWS_|TABLE_|QUEUE_|BUCKET_|MAC_KEY_DIR$)/;

/**
 * One set of emulators, with the manifest's resources, for every integration test file of a run. Test files
 * pick the environment up with `useSharedEmulators()`; each keeps to its own keys, so they can share tables.
 */
export default async function setup(project: TestProject) {
  const emulators = await startEmulators({ dataDir: ':memory:' });
  const keyDir = await mkdtemp(join(tmpdir(), 'govtiers-keys-'));
  // The resources are made through the environment, which is then put back: this process also hosts the browser
  // tests' local runtime, whose handlers must keep finding their own emulators.
  const before = { ...process.env };
  process.env[MAC_KEY_DIR_ENV] = keyDir;
  applyEndpointEnv(emulators.endpoints);
  await ensureResources();
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => SHARED_ENV.test(k))) as Record<string, string>;
  for (const k of Object.keys(process.env)) if (!(k in before)) delete process.env[k];
  Object.assign(process.env, before);
  project.provide('sharedEmulators', { endpoints: emulators.endpoints, env });
  return async () => {
    await emulators.stop();
    await rm(keyDir, { recursive: true, force: true });
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    sharedEmulators: { endpoints: { dynamodb: string; sqs: string; s3: string }; env: Record<string, string> };
  }
}
