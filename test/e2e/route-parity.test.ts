import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app';
import { startLocalRuntime, type LocalRuntime } from '../../infra/local/runtime';

/**
 * The local gateway serves exactly the routes of the synthesized HTTP API: every route key of the template is
 * answered by a function (not by the $default JSON 404), and a path outside them falls to $default.
 */
let runtime: LocalRuntime;
let templateRoutes: string[];

beforeAll(async () => {
  const { stack } = buildApp({ 'aws:cdk:bundling-stacks': [] });
  templateRoutes = Object.values(Template.fromStack(stack).findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties.RouteKey as string);
  runtime = await startLocalRuntime({ dataDir: ':memory:', port: 0, log: () => {} });
}, 120_000);

afterAll(() => runtime?.stop());

describe('route parity between the stack and the local gateway', () => {
  it('answers every route of the template from its function', async () => {
    const served = templateRoutes.filter((k) => k !== '$default');
    expect(served.length).toBeGreaterThan(10);
    for (const key of served) {
      const [method, template] = key.split(' ') as [string, string];
      const path = template.replace(/\{(\w+)\}/g, (_m, name: string) => (name === 'code' ? '330000000000' : `sample-${name}`));
      const res = await fetch(`${runtime.url}${path}`, { method });
      const body = (await res.json()) as { error?: { code: string } };
      expect(body.error?.code, key).not.toBe('route_not_found');
    }
  });

  it('leaves everything else to $default, which answers a JSON 404', async () => {
    expect(templateRoutes).toContain('$default');
    for (const [method, path] of [['GET', '/v1/nowhere'], ['DELETE', '/v1/units/330000000000'], ['GET', '/v2/units/330000000000']]) {
      const res = await fetch(`${runtime.url}${path}`, { method });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('route_not_found');
    }
  });
});
