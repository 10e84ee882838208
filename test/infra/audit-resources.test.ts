import { App, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_RETENTION_DAYS } from '../../infra/audit-resources';
import { CDK_CONTEXT } from '../../infra/app';
import { FUNCTIONS, type FunctionSpec } from '../../infra/manifest';
import { GovtiersStack } from '../../infra/stack';
import { kmsKeyEnv } from '../../shared/aws/keys-from-env';
import { ARCHIVE_BUCKET_ENV } from '../../shared/aws/s3-archive';
import { KEY_PURPOSES } from '../../shared/keys';

const synth = (stage: string, context: Record<string, unknown> = {}, functions?: FunctionSpec[]) => {
  const app = new App({ context: { ...CDK_CONTEXT, 'aws:cdk:bundling-stacks': [], ...context } });
  const stack = new GovtiersStack(app, `Govtiers-${stage}`, {
    stage,
    env: { account: '123456789012', region: 'us-east-1' },
    ...(functions ? { functions, routes: [], defaultRouteFunction: functions[0]!.id } : {}),
  });
  return { stack, template: Template.fromStack(stack) };
};
const id = (stack: GovtiersStack, c: IConstruct) => stack.getLogicalId(c.node.defaultChild as CfnElement);

type Statement = { Effect: string; Action: string | string[]; Resource: unknown };
const statementsOf = ({ stack, template }: ReturnType<typeof synth>, functionId: string): Statement[] => {
  const roleId = id(stack, stack.functions.get(functionId)!.role);
  const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } });
  return Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement);
};
/** Actions a function may take on a resource (by logical id), wherever the grant names it. */
const actionsOn = (statements: Statement[], logicalId: string) =>
  statements
    .filter((s) => JSON.stringify(s.Resource).includes(`"${logicalId}"`))
    .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]))
    .sort();

describe('audit resources', () => {
  let prod: ReturnType<typeof synth>;
  beforeAll(() => {
    prod = synth('prod');
  });

  it('one KMS HMAC_256 key per MAC purpose, for GenerateMac/VerifyMac, kept outside dev', () => {
    prod.template.resourceCountIs('AWS::KMS::Key', KEY_PURPOSES.length);
    for (const purpose of KEY_PURPOSES) {
      expect(prod.template.toJSON().Resources[id(prod.stack, prod.stack.audit.keys[purpose])]).toMatchObject({
        DeletionPolicy: 'Retain',
        Properties: { KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' },
      });
    }
  });

  it('the archive bucket is locked in COMPLIANCE mode, for the retention the stage or the context says', () => {
    const lockOf = ({ stack, template }: ReturnType<typeof synth>) =>
      template.toJSON().Resources[id(stack, stack.audit.archive)].Properties;
    expect(lockOf(prod)).toMatchObject({
      ObjectLockEnabled: true,
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: AUDIT_RETENTION_DAYS.prod } } },
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LoggingConfiguration: { DestinationBucketName: { Ref: id(prod.stack, prod.stack.logBucket) } },
    });
    const dev = synth('dev', { auditRetentionDays: '30' });
    expect(lockOf(dev).ObjectLockConfiguration.Rule.DefaultRetention).toEqual({ Mode: 'COMPLIANCE', Days: 30 });
    expect(() => synth('dev', { auditRetentionDays: 'forever' })).toThrow(/auditRetentionDays/);
  });

  it.each(FUNCTIONS.map((f) => [f.id, f] as const))('%s may sign or verify MACs and checkpoints only as its manifest entry says', (_, spec) => {
    const { stack, template } = prod;
    const statements = statementsOf(prod, spec.id);
    const env = template.toJSON().Resources[id(stack, stack.functions.get(spec.id)!.fn)].Properties.Environment.Variables;
    const kmsActions = { sign: ['kms:GenerateMac'], verify: ['kms:VerifyMac'] };
    for (const purpose of KEY_PURPOSES) {
      const use = spec.keys?.[purpose];
      expect(actionsOn(statements, id(stack, stack.audit.keys[purpose])), `${spec.id} ${purpose}`).toEqual(use ? kmsActions[use] : []);
      expect(kmsKeyEnv(purpose) in env, `${spec.id} ${purpose}`).toBe(use !== undefined);
    }
    const use = spec.keys?.audit;
    expect(actionsOn(statements, id(stack, stack.audit.archive))).toEqual(
      use === 'sign' ? ['s3:PutObject'] : use === 'verify' ? ['s3:GetObject', 's3:ListBucket'] : [],
    );
    expect(ARCHIVE_BUCKET_ENV in env).toBe(use !== undefined);
  });

  it('appending functions sign, the audit function verifies, and the identity key is granted from the same field', () => {
    expect(FUNCTIONS.filter((f) => f.keys?.audit === 'sign').map((f) => f.id).sort()).toEqual([
      'importWorker',
      'people',
      'services',
      'settings',
      'tickets',
      'tiers',
      'units',
      'web',
    ]);
    expect(FUNCTIONS.filter((f) => f.keys?.audit === 'verify').map((f) => f.id)).toEqual(['audit']);
    const fixture = synth('dev', {}, [{ ...FUNCTIONS[0]!, id: 'registrar', keys: { identity: 'sign' } }]);
    const statements = statementsOf(fixture, 'registrar');
    expect(actionsOn(statements, id(fixture.stack, fixture.stack.audit.keys.identity))).toEqual(['kms:GenerateMac']);
    expect(actionsOn(statements, id(fixture.stack, fixture.stack.audit.keys.audit))).toEqual([]);
    expect(actionsOn(statements, id(fixture.stack, fixture.stack.audit.archive))).toEqual([]);
  });
});
