import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app';
import { ROUTES } from '../../infra/manifest';

// The stack's routes come from the manifest, as the local gateway's do: the synthesized API must serve exactly those.
describe('HTTP API routes', () => {
  let routes: { RouteKey: string; AuthorizationType: string }[];
  beforeAll(() => {
    const { stack } = buildApp({ 'aws:cdk:bundling-stacks': [] });
    routes = Object.values(Template.fromStack(stack).findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties);
  });

  it('are the manifest routes plus $default', () => {
    const keys = routes.map((r) => r.RouteKey);
    expect(new Set(keys).size).toBe(keys.length);
    expect(new Set(keys)).toEqual(new Set([...ROUTES.map((r) => r.key), '$default']));
  });

  it('carry the JWT authorizer exactly where the manifest says jwt', () => {
    const auth = Object.fromEntries(routes.map((r) => [r.RouteKey, r.AuthorizationType]));
    for (const r of ROUTES) expect(auth[r.key], r.key).toBe(r.auth === 'jwt' ? 'JWT' : 'NONE');
    expect(auth.$default).toBe('NONE');
  });
});
