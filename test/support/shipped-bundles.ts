import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { buildApp } from '../../infra/app';

/**
 * Synthesizes the stack with bundling on (as `cdk synth` and `cdk deploy` do) and returns, for every function of
 * the manifest, the bundle that would be uploaded: what ships, not a rebuild of it.
 */
export function shippedBundles(): Map<string, string> {
  const { app, stack } = buildApp({ stage: 'dev' });
  const assembly = app.synth({ force: true });
  const template = assembly.getStackByName(stack.stackName).template as {
    Resources: Record<string, { Properties?: { Code?: { S3Key?: string } } }>;
  };
  const bundles = new Map<string, string>();
  for (const [id, deployed] of stack.functions) {
    const logicalId = Stack.of(stack).getLogicalId(deployed.fn.node.defaultChild as never);
    // A function's code is the asset whose hash names both the uploaded zip and the staged folder.
    const hash = /^([0-9a-f]{64})\.zip$/.exec(template.Resources[logicalId]?.Properties?.Code?.S3Key ?? '')?.[1];
    if (!hash) throw new Error(`no asset for function ${id}`);
    const file = path.join(assembly.directory, `asset.${hash}`, 'index.mjs');
    if (!existsSync(file)) throw new Error(`bundle of ${id} not found at ${file}`);
    bundles.set(id, file);
  }
  return bundles;
}
