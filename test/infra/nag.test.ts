import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { buildApp, CDK_CONTEXT } from '../../infra/app';
import { GovtiersStack } from '../../infra/stack';

const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] };
const findings = (app: App) =>
  new AwsSolutionsChecks().validateScope(app).violations.map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);

// Whichever test runs first (they are shuffled) loads the whole of aws-cdk-lib and cdk-nag: on a busy machine, more
// than the default.
describe('cdk-nag AwsSolutions', { timeout: 90_000 }, () => {
  it.each(['dev', 'prod'])('leaves no unacknowledged finding on the %s stage', (stage) => {
    const { app } = buildApp({ ...NO_BUNDLING, stage });
    // The checks directly, for a readable list of whatever is left...
    expect(findings(app)).toEqual([]);
    // ...and through synthesis, as `cdk synth` runs them: a finding would throw here (warnings included).
    const assembly = app.synth();
    const report = JSON.parse(readFileSync(path.join(assembly.directory, 'validation-report.json'), 'utf8'));
    expect(report.pluginReports.flatMap((r: { violations?: unknown[] }) => r.violations ?? [])).toEqual([]);
  });

  it('leaves none in China either, with the province’s issuer in place of Cognito', () => {
    const { app } = buildApp({ ...NO_BUNDLING, stage: 'prod', region: 'cn-northwest-1', 'oidc-issuer': 'https://iam.zj.gov.cn/oidc', 'oidc-audience': 'govtiers' });
    expect(findings(app)).toEqual([]);
    expect(() => app.synth()).not.toThrow();
  });

  it('has findings to acknowledge at all: without the acknowledgements the same stack fails', () => {
    const app = new App({ context: { ...CDK_CONTEXT, ...NO_BUNDLING } });
    new GovtiersStack(app, 'Govtiers-bare', { stage: 'prod', env: { account: '123456789012', region: 'us-east-1' } });
    const rules = new Set(findings(app).map((f) => f.replace(/\[.*| at .*/, '')));
    expect([...rules].sort()).toEqual(['AwsSolutions-APIG4', 'AwsSolutions-COG8', 'AwsSolutions-IAM5', 'AwsSolutions-L1']);
  });

  it('fails synthesis on a finding nobody acknowledged', () => {
    const { app, stack } = buildApp({ ...NO_BUNDLING, stage: 'prod' });
    new sqs.Queue(stack, 'Stray', { encryption: sqs.QueueEncryption.UNENCRYPTED });
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS[234]/);
  });
});
