import { beforeAll, describe, expect, it } from 'vitest';
import * as z from '../../shared/zod';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { apiFunction, route } from '../../functions/api-function';
import { operation } from '../../shared/http/operation';
import { MemoryStore } from '../../shared/store/memory-store';
import { unitCodeSchema } from '../../shared/roles';
import { unitItem } from '../../tenants/unit';
import { seedAccounts } from '../support/accounts';
import { httpEvent, lambdaContext } from '../support/events';
import { memoryDeps } from '../support/memory-deps';
import { testTokens } from '../support/tokens';

const echoOp = operation({
  id: 'echo',
  method: 'POST',
  path: '/v1/units/{code}/echo',
  tag: 'test',
  summary: { zh: '回显', en: 'Echo' },
  auth: 'jwt',
  params: z.strictObject({ code: unitCodeSchema }),
  query: z.strictObject({ limit: z.optional(z.coerce.number().check(z.int(), z.gte(1), z.lte(100))) }),
  body: z.strictObject({ name: z.string().check(z.minLength(1)), count: z.int() }),
  maxBodyBytes: 1024,
  response: { status: 200, schema: z.object({ name: z.string() }) },
});

let sign: (p: { sub: string; role: 'staff'; unit: string }) => Promise<string>;
let handler: ReturnType<typeof apiFunction>;
let token: string;
const { deps } = memoryDeps(() => new Date('2026-01-05T00:00:00Z'));
const store = deps.store as MemoryStore;

beforeAll(async () => {
  const t = await testTokens();
  sign = t.sign;
  handler = apiFunction(
    [route(echoOp, async ({ body, params, scope }) => {
      scope!.require('unit:read', params.code);
      return { status: 200, body: { name: body.name } };
    })],
    { deps: async () => deps, verifier: () => t.verifier },
  );
  const now = '2026-01-01T00:00:00.000Z';
  await store.putMany('registry', [
    unitItem({ code: '330100000000', name: '杭州市', level: 'city', parent: '330000000000', edition: 2023, status: 'active', createdAt: now, updatedAt: now, v: 1 }),
  ]);
  const caller = { sub: 'u1', role: 'staff', unit: '330100000000' } as const;
  await seedAccounts(store, [caller]);
  token = await sign(caller);
});

async function call(over: Partial<Parameters<typeof httpEvent>[0]> = {}) {
  const event = httpEvent({
    routeKey: 'POST /v1/units/{code}/echo',
    pathParameters: { code: '330100000000' },
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'x', count: 1 }),
    ...over,
  });
  const res = (await handler(event, lambdaContext() as never)) as APIGatewayProxyStructuredResultV2;
  return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined, headers: res.headers ?? {} };
}

describe('request pipeline', () => {
  it('passes a valid, authenticated request to the implementation with a request id', async () => {
    const r = await call();
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ name: 'x' });
    expect(String(r.headers['x-request-id'])).toMatch(/^[0-9A-Z]{26}$/);
  });

  it('answers bad JSON with 400 invalid_json in zh-CN by default', async () => {
    const r = await call({ body: '{"name":' });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('invalid_json');
    expect(r.body.error.message).toBe('请求体不是有效的 JSON');
  });

  it('lists unknown fields and wrong types, in English when asked', async () => {
    const r = await call({
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'accept-language': 'en-GB,en;q=0.9' },
      body: JSON.stringify({ name: 'x', count: 'many', extra: true }),
    });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('validation_failed');
    const paths = r.body.error.fields.map((f: { path: string }) => f.path).sort();
    expect(paths).toEqual(['body.count', 'body.extra']);
    expect(r.body.error.message).toMatch(/fields listed/);
  });

  it('rejects an oversized body with 413 and a wrong media type with 415', async () => {
    expect((await call({ body: JSON.stringify({ name: 'x'.repeat(2000), count: 1 }) })).status).toBe(413);
    const r = await call({ headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain' } });
    expect(r.status).toBe(415);
    expect(r.body.error.message).toContain('application/json');
  });

  it('validates path and query parameters', async () => {
    const r = await call({ pathParameters: { code: '33' }, query: { limit: '0' } });
    expect(r.status).toBe(400);
    expect(r.body.error.fields.map((f: { path: string }) => f.path).sort()).toEqual(['params.code', 'query.limit']);
  });

  it('answers 401 without a valid token, and 403 outside the caller scope', async () => {
    expect((await call({ headers: { 'content-type': 'application/json' } })).status).toBe(401);
    expect((await call({ headers: { authorization: 'Bearer nonsense', 'content-type': 'application/json' } })).status).toBe(401);
    const r = await call({ pathParameters: { code: '330200000000' } });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('forbidden');
  });

  it('answers 403 when the caller unit does not exist', async () => {
    const stranger = await sign({ sub: 'u2', role: 'staff', unit: '330200000000' });
    const r = await call({ headers: { authorization: `Bearer ${stranger}`, 'content-type': 'application/json' } });
    expect(r.status).toBe(403);
  });

  it('answers an unknown route with a JSON 404', async () => {
    const r = await call({ routeKey: '$default', rawPath: '/nowhere' });
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('route_not_found');
  });

  it('answers 500 without details when the implementation fails', async () => {
    const failing = apiFunction([route(echoOp, async () => { throw new Error('boom: secret detail'); })], {
      deps: async () => deps,
      verifier: () => ({ verify: async () => ({ sub: 'u1', role: 'staff', unit: '330100000000' }) }),
    });
    const res = (await failing(
      httpEvent({ routeKey: 'POST /v1/units/{code}/echo', pathParameters: { code: '330100000000' }, headers: { authorization: 'Bearer x', 'content-type': 'application/json' }, body: '{"name":"a","count":1}' }),
      lambdaContext() as never,
    )) as APIGatewayProxyStructuredResultV2;
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('secret');
  });
});
