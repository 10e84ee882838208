import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { addNagChecks } from './nag';
import { GovtiersStack } from './stack';

/** cdk.json's context (feature flags): tests build the app with it too, so they see what `cdk synth` sees. */
export const CDK_CONTEXT: Record<string, unknown> = JSON.parse(
  readFileSync(fileURLToPath(new URL('../cdk.json', import.meta.url)), 'utf8'),
).context;

/**
 * The app: one stack, `Govtiers-<stage>`. Account and region have fixed defaults so that `cdk synth` works offline
 * and without credentials; deploy with `-c stage=prod -c account=… -c region=…`.
 */
export function buildApp(context: Record<string, unknown> = {}) {
  const app = new App({ context: { ...CDK_CONTEXT, ...context } });
  const stage = String(app.node.tryGetContext('stage') ?? 'dev');
  if (!/^[a-z][a-z0-9-]{0,19}$/.test(stage)) throw new Error(`stage must be a short lowercase name, got "${stage}"`);
  const stack = new GovtiersStack(app, `Govtiers-${stage}`, {
    stage,
    env: {
      account: String(app.node.tryGetContext('account') ?? '123456789012'),
      region: String(app.node.tryGetContext('region') ?? 'us-east-1'),
    },
    description: `govtiers (${stage}): digital government platform for every tier, province to village`,
  });
  addNagChecks(app, stack);
  return { app, stack };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) buildApp().app.synth();
