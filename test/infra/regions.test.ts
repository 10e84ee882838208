import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app';
import { STAFF_SECOND_FACTORS } from '../../infra/stack';

/**
 * Where a province deploys: a global region with the stack's own Cognito pool, or one of AWS's China regions with
 * the province's unified identity platform (an OIDC issuer) named in the context, as `cdk synth -c …` would be run.
 */
const ISSUER = 'https://iam.zj.gov.cn/oidc';
const CHINA = {
  region: 'cn-northwest-1',
  'oidc-issuer': ISSUER,
  'oidc-audience': 'govtiers-zj',
  'oidc-claim-role': 'gov_role',
  'oidc-claim-unit': 'org_code',
};
const synth = (context: Record<string, string>) => {
  const { app, stack } = buildApp({ 'aws:cdk:bundling-stacks': [], stage: 'prod', account: '123456789012', ...context });
  // Through the whole app, so that CloudFormation's validation of resource types per region runs as in `cdk synth`.
  const assembly = app.synth();
  return { stack, template: Template.fromJSON(assembly.getStackByName(stack.stackName).template) };
};
const typesOf = (template: Template) => Object.values(template.toJSON().Resources as Record<string, { Type: string }>).map((r) => r.Type);
const functionEnvs = (template: Template) =>
  Object.values(template.findResources('AWS::Lambda::Function')).map((f) => f.Properties.Environment.Variables as Record<string, unknown>);

describe('deployable in a global region and in China', () => {
  let global: ReturnType<typeof synth>;
  let china: ReturnType<typeof synth>;
  beforeAll(() => {
    global = synth({ region: 'eu-west-1' });
    china = synth(CHINA);
  }, 120_000);

  it('a global region gets the stack’s own Cognito pool behind the JWT authorizer', () => {
    expect(typesOf(global.template)).toEqual(expect.arrayContaining(['AWS::Cognito::UserPool', 'AWS::Cognito::UserPoolClient']));
    for (const env of functionEnvs(global.template)) expect(env.JWKS_URL).toBeDefined();
  });

  it('China (Ningxia) has no Cognito, no X-Ray, no function URLs', () => {
    const types = typesOf(china.template);
    expect(types.filter((t) => t.startsWith('AWS::Cognito::'))).toEqual([]);
    expect(types.filter((t) => t.startsWith('AWS::XRay::') || t === 'AWS::Lambda::Url')).toEqual([]);
    for (const fn of Object.values(china.template.findResources('AWS::Lambda::Function'))) expect(fn.Properties.TracingConfig).toBeUndefined();
    expect(Object.keys(china.template.toJSON().Outputs).sort()).toEqual(['ApiUrl', 'FilesBucketName']);
  });

  it('China’s template names only aws-cn ARNs, wherever in the template', () => {
    const json = JSON.stringify(china.template.toJSON());
    expect(json.match(/arn:aws:[^"]{0,60}/g) ?? []).toEqual([]);
    // Every ARN the template spells out is in aws-cn (the rest are joined from AWS::Partition, which is aws-cn there).
    expect(new Set(json.match(/arn:[a-z-]*:/g))).toEqual(new Set(['arn:aws-cn:']));
  });

  it('China’s authorizer trusts the province’s issuer, and the handlers read its claims and require a second factor for staff', () => {
    china.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      JwtConfiguration: { Issuer: ISSUER, Audience: ['govtiers-zj'] },
    });
    for (const env of functionEnvs(china.template)) {
      expect(env).toMatchObject({
        JWT_ISSUER: ISSUER,
        JWT_AUDIENCE: 'govtiers-zj',
        JWT_CLAIM_ROLE: 'gov_role',
        JWT_CLAIM_UNIT: 'org_code',
        JWT_STAFF_AMR: STAFF_SECOND_FACTORS.join(','),
      });
      // No JWKS_URL given: the handlers find the keys through the issuer's discovery document, as API Gateway does.
      expect(env.JWKS_URL).toBeUndefined();
      expect(env.JWT_CLAIM_DEPT).toBeUndefined();
    }
  });

  it('a China region without an issuer is refused with what to pass, and so is an issuer without audience or https', () => {
    expect(() => synth({ region: 'cn-north-1' })).toThrow(/no Cognito user pools.*oidc-issuer/);
    expect(() => synth({ region: 'cn-north-1', 'oidc-issuer': ISSUER })).toThrow(/oidc-audience/);
    expect(() => synth({ region: 'cn-north-1', 'oidc-issuer': 'http://iam.zj.gov.cn', 'oidc-audience': 'x' })).toThrow(/https/);
  });
});
