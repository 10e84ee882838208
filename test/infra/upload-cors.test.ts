import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildApp, CDK_CONTEXT } from '../../infra/app';
import { GovtiersStack } from '../../infra/stack';

/** The files bucket's CORS rules, as synthesized. */
function corsOf(stack: GovtiersStack) {
  const buckets = Template.fromStack(stack).findResources('AWS::S3::Bucket');
  const files = Object.entries(buckets).find(([id]) => id.startsWith('FilesBucket'))![1] as { Properties: { CorsConfiguration: { CorsRules: unknown[] } } };
  return files.Properties.CorsConfiguration.CorsRules;
}

describe('the files bucket takes the pages’ uploads from the site only', () => {
  it('allows POST from the site’s own origin when it has one', () => {
    const { stack } = buildApp({ 'aws:cdk:bundling-stacks': [], 'web-origin': 'https://www.zj.gov.cn' });
    expect(corsOf(stack)).toEqual([{ AllowedMethods: ['POST'], AllowedOrigins: ['https://www.zj.gov.cn'], AllowedHeaders: ['*'], MaxAge: 3600 }]);
  });

  it('else from the HTTP API’s domain names in the stack’s region, never from anywhere', () => {
    const app = new App({ context: { ...CDK_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
    const stack = new GovtiersStack(app, 'Govtiers-dev', { stage: 'dev', env: { account: '123456789012', region: 'us-east-1' } });
    const [rule] = corsOf(stack) as { AllowedOrigins: unknown[] }[];
    expect(JSON.stringify(rule!.AllowedOrigins)).toContain('https://*.execute-api.us-east-1.');
    expect(rule!.AllowedOrigins).not.toContain('*');
  });

  it('refuses a web origin that is not an https origin', () => {
    expect(() => buildApp({ 'aws:cdk:bundling-stacks': [], 'web-origin': 'http://www.zj.gov.cn/portal' })).toThrow(/https origin/);
  });
});
