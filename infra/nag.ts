import { Validations, type App, type CfnElement } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import type { TableId } from '../shared/resources';
import type { GovtiersStack } from './stack';

/**
 * cdk-nag's AwsSolutions pack over the whole app. cdk-nag 3 is a policy-validation plugin: it runs during synthesis,
 * and any finding not acknowledged below (warnings included) fails `cdk synth`.
 *
 * Every acknowledgement names one finding on one construct, and the per-function ones are derived from the same
 * manifest entry that produced the grant, so a grant nobody declared still fails.
 */
export function addNagChecks(app: App, stack: GovtiersStack) {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const ack = (scope: IConstruct, id: string, reason: string) => Validations.of(scope).acknowledge({ id, reason });
  const logicalId = (c: IConstruct) => stack.resolve((c.node.defaultChild as CfnElement).logicalId) as string;

  if (stack.userPool) {
    ack(
      stack.userPool,
      'AwsSolutions-COG8',
      'Essentials feature plan: the Plus plan (threat protection) is billed per monthly active user, which across a province of ' +
        'citizens is the operator’s budget decision. Switch featurePlan to PLUS with threat protection once approved.',
    );
  }

  for (const { key, route } of stack.publicRoutes) {
    ack(
      route,
      'AwsSolutions-APIG4',
      key === '$default'
        ? '$default only answers requests that match no route, with the portal\'s 404 page (the JSON 404 under /v1); it writes nothing.'
        : `${key} is declared auth: 'public' in the operation catalog (infra/manifest.ts): it serves anonymous callers by design.`,
    );
  }

  for (const { spec, fn, role } of stack.functions.values()) {
    ack(
      fn,
      'AwsSolutions-L1',
      'Pinned to nodejs22.x on purpose: bundles target node22 and the local runtime runs the same code on Node 20/22. ' +
        'Moving to nodejs24.x is a deliberate upgrade of runtime and esbuild target together, after the bundles are tested on it.',
    );
    for (const tableId of Object.keys(spec.tables) as TableId[]) {
      ack(
        role,
        `AwsSolutions-IAM5[Resource::<${logicalId(stack.tables[tableId])}.Arn>/index/*]`,
        `${spec.id} has ${spec.tables[tableId]} access to the ${tableId} table in the manifest; <table>/index/* lets it ` +
          `query that table's own index (gsi1), with dynamodb:Query only. No other table is reachable.`,
      );
    }
    if (spec.streams?.length) {
      ack(
        role,
        'AwsSolutions-IAM5[Resource::*]',
        `${spec.id} reads the streams of the ${spec.streams.join(', ')} tables in the manifest; CDK's stream grant adds ` +
          'dynamodb:ListStreams, which IAM only grants on "*" (it has no resource-level permissions); reading a stream is granted per stream.',
      );
    }
    for (const prefix of spec.bucket?.prefixes ?? []) {
      ack(
        role,
        `AwsSolutions-IAM5[Resource::<${logicalId(stack.bucket)}.Arn>/${prefix}*]`,
        `${spec.id} has ${spec.bucket!.access} access to the objects under ${prefix} in the files bucket (manifest): ` +
          'object actions need a key pattern, and this one is that prefix of that one bucket.',
      );
    }
  }
}
