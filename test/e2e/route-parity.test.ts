import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app';
import { DEFAULT_ROUTE_FUNCTION, ROUTES } from '../../infra/manifest';
import { SERVED_BY_HEADER } from '../../infra/local/gateway';
import { startLocalRuntime, type LocalRuntime } from '../../infra/local/runtime';
import type { Principal } from '../../shared/roles';
import { createDynamoStore } from '../../shared/store/dynamo-store';
import { seedAccounts } from '../support/accounts';

/**
 * The local gateway serves exactly the routes of the synthesized HTTP API, each from the function the manifest names:
 * every route key of the template is called with a valid token (so the JWT authorizer lets it through) and the answer
 * must come from that function, not from $default and not from the authorizer's 401.
 */
let runtime: LocalRuntime;
let templateRoutes: { key: string; auth: string }[];
let token: string;
const ADMIN: Principal = { sub: 'parity-admin', role: 'province-admin', unit: '330000000000' };

beforeAll(async () => {
  const { stack } = buildApp({ 'aws:cdk:bundling-stacks': [] });
  templateRoutes = Object.values(Template.fromStack(stack).findResources('AWS::ApiGatewayV2::Route')).map((r) => ({
    key: r.Properties.RouteKey as string,
    auth: r.Properties.AuthorizationType as string,
  }));
  runtime = await startLocalRuntime({ dataDir: ':memory:', port: 0, log: () => {} });
  // An admin's token stands on an active staff record, as an admin-created account would.
  await seedAccounts(await createDynamoStore(), [ADMIN]);
  ({ token } = await runtime.issuer.mint(ADMIN));
}, 120_000);

afterAll(() => runtime?.stop());

const SAMPLE: Record<string, string> = { code: '330000000000', jobId: '01JAAAAAAAAAAAAAAAAAAAAAAA', deptId: 'd1', sub: 'someone' };
const call = (key: string, headers: Record<string, string> = {}) => {
  const [method, template] = key.split(' ') as [string, string];
  const path = template.replace(/\{(\w+)\}/g, (_m, name: string) => SAMPLE[name] ?? `sample-${name}`);
  const body = ['POST', 'PUT', 'PATCH'].includes(method) ? '{}' : undefined;
  // Not followed: the answer of the route itself (sign-in's sends the browser on to the issuer).
  return fetch(`${runtime.url}${path}`, { method, headers: { 'content-type': 'application/json', ...headers }, body, redirect: 'manual' });
};

describe('route parity between the stack and the local gateway', () => {
  it('answers every route of the template from the function the manifest names', async () => {
    const served = templateRoutes.filter((r) => r.key !== '$default');
    expect(served.length).toBe(ROUTES.length);
    const byFunction = new Map<string, number>();
    for (const { key } of served) {
      const route = ROUTES.find((r) => r.key === key);
      expect(route, `${key} is in the manifest`).toBeDefined();
      const res = await call(key, { authorization: `Bearer ${token}` });
      expect(res.headers.get(SERVED_BY_HEADER), key).toBe(route!.function);
      // The authorizer took the token (a public page may still answer 401 of its own: it wants a session).
      if (route!.auth === 'jwt') expect(res.status, key).not.toBe(401);
      expect(res.status, key).toBeLessThan(500);
      byFunction.set(route!.function, (byFunction.get(route!.function) ?? 0) + 1);
    }
    // Every function that serves routes was reached through the gateway.
    expect(new Set(byFunction.keys())).toEqual(new Set(ROUTES.map((r) => r.function)));
  });

  it('without a token, the authorizer answers 401 for every JWT route and no function is called', async () => {
    const jwtRoutes = templateRoutes.filter((r) => r.auth === 'JWT');
    expect(jwtRoutes.length).toBeGreaterThan(10);
    for (const { key } of jwtRoutes) {
      const res = await call(key);
      expect(res.status, key).toBe(401);
      expect(res.headers.get(SERVED_BY_HEADER), key).toBeNull();
    }
  });

  it('leaves everything else to $default: a JSON 404 under /v1, the portal\'s 404 page anywhere else', async () => {
    expect(templateRoutes.map((r) => r.key)).toContain('$default');
    for (const [method, path] of [['GET', '/v1/nowhere'], ['DELETE', '/v1/units/330000000000'], ['GET', '/v1']]) {
      const res = await fetch(`${runtime.url}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.headers.get(SERVED_BY_HEADER)).toBe(DEFAULT_ROUTE_FUNCTION);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('route_not_found');
    }
    for (const [method, path] of [['GET', '/nope'], ['GET', '/v2/units/330000000000'], ['GET', '/units/330000000000/nothing'], ['POST', '/units']]) {
      const res = await fetch(`${runtime.url}${path}`, { method });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.headers.get(SERVED_BY_HEADER)).toBe(DEFAULT_ROUTE_FUNCTION);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await res.text()).toContain('<h1>找不到这个页面</h1>');
    }
  });
});
