import { mkdtemp, rm, stat } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { createRemoteJWKSet, decodeJwt } from 'jose';
import { tokenVerifier } from '../../shared/auth/token-verifier';
import { tableEnv } from '../../shared/resources';
import { ROUTES } from '../../infra/manifest';
import { startLocalRuntime, type LocalRuntime } from '../../infra/local/runtime';
import { SERVED_BY_HEADER, startGateway, type Gateway } from '../../infra/local/gateway';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { main as cli } from '../../tenants/cli/main';

const json = async (res: Response) => ({ status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as any });

/** POST without fetch: node:http sees the answer even when the server stops reading the body part-way. */
function rawPost(url: string, body: Buffer, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { ...headers, 'content-length': String(body.length) } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c)).on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', (e) => (e as NodeJS.ErrnoException).code === 'EPIPE' || (e as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(e));
    req.end(body);
  });
}

describe('gateway events (API Gateway v2, payload 2.0)', () => {
  let gateway: Gateway | undefined;
  const calls: { fn: string; event: APIGatewayProxyEventV2 }[] = [];
  let reply: unknown = { statusCode: 200, body: '' };
  const last = () => calls.at(-1)!;

  beforeAll(async () => {
    gateway = await startGateway({
      routes: [
        { key: 'GET /v1/units/{code}', method: 'GET', path: '/v1/units/{code}', function: 'units', auth: 'public' },
        { key: 'POST /v1/files', method: 'POST', path: '/v1/files', function: 'files', auth: 'public' },
      ],
      defaultFunction: 'platform',
      invoke: async (fn, event) => {
        calls.push({ fn, event });
        return reply;
      },
      log: () => {},
    });
  });
  afterAll(() => gateway?.close());

  it('builds the event API Gateway would send', async () => {
    await fetch(`${gateway!.url}/v1/units/%E6%9D%AD%E5%B7%9E?a=1&b=x+y&a=2&c`, {
      headers: { 'X-Custom': 'One', 'Accept-Language': 'en', cookie: 'a=1; b=2' },
    });
    const { fn, event } = last();
    expect(fn).toBe('units');
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'GET /v1/units/{code}',
      rawPath: '/v1/units/%E6%9D%AD%E5%B7%9E',
      rawQueryString: 'a=1&b=x+y&a=2&c',
      cookies: ['a=1', 'b=2'],
      queryStringParameters: { a: '1,2', b: 'x y', c: '' },
      pathParameters: { code: '杭州' },
      isBase64Encoded: false,
      requestContext: { routeKey: 'GET /v1/units/{code}', stage: '$default', http: { method: 'GET', path: '/v1/units/%E6%9D%AD%E5%B7%9E', sourceIp: '127.0.0.1' } },
    });
    expect(event.headers).toMatchObject({ 'x-custom': 'One', 'accept-language': 'en', 'x-forwarded-for': '127.0.0.1' });
    expect(event.headers.cookie).toBeUndefined();
    expect(event.body).toBeUndefined();
    expect(event.requestContext.requestId).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(Math.abs(event.requestContext.timeEpoch - Date.now())).toBeLessThan(5000);
  });

  it('passes text bodies as they are and other bodies base64-encoded', async () => {
    await fetch(`${gateway!.url}/v1/files`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"名":"值"}' });
    expect(last().event).toMatchObject({ body: '{"名":"值"}', isBase64Encoded: false });
    await fetch(`${gateway!.url}/v1/files`, { method: 'POST', headers: { 'content-type': 'application/pdf' }, body: new Uint8Array([0, 255, 1]) });
    expect(last().event).toMatchObject({ body: Buffer.from([0, 255, 1]).toString('base64'), isBase64Encoded: true });
  });

  it("refuses a body that fits API Gateway's 10 MB but not Lambda's 6 MB invocation payload", async () => {
    const before = calls.length;
    // 3.5 MB of binary: base64 makes it 4.7 MB in the event. 5 MB makes 6.7 MB, which Lambda refuses.
    let res = await fetch(`${gateway!.url}/v1/files`, { method: 'POST', headers: { 'content-type': 'application/pdf' }, body: Buffer.alloc(3.5 * 1024 * 1024) });
    expect(res.status).toBe(200);
    res = await fetch(`${gateway!.url}/v1/files`, { method: 'POST', headers: { 'content-type': 'application/pdf', 'accept-language': 'en' }, body: Buffer.alloc(5 * 1024 * 1024) });
    expect([res.status, await res.json()]).toEqual([413, { error: { code: 'payload_too_large', message: 'The request body is too large', fields: [] } }]);
    expect(calls.length).toBe(before + 1);
  });

  it('sends unmatched requests to $default', async () => {
    await fetch(`${gateway!.url}/v1/units/1/unknown`);
    expect(last()).toMatchObject({ fn: 'platform', event: { routeKey: '$default', rawPath: '/v1/units/1/unknown' } });
    expect(last().event.pathParameters).toBeUndefined();
  });

  it('writes back status, headers, cookies and base64 bodies; a bare value is a 200 JSON body; a throw a 500', async () => {
    reply = { statusCode: 201, headers: { 'X-Thing': 'y' }, cookies: ['s=1; HttpOnly'], body: Buffer.from('bin').toString('base64'), isBase64Encoded: true };
    let res = await fetch(`${gateway!.url}/v1/files`, { method: 'POST' });
    expect([res.status, res.headers.get('x-thing'), res.headers.getSetCookie(), await res.text()]).toEqual([201, 'y', ['s=1; HttpOnly'], 'bin']);
    reply = { hello: 'world' };
    res = await fetch(`${gateway!.url}/v1/files`, { method: 'POST' });
    expect([res.status, res.headers.get('content-type'), await res.json()]).toEqual([200, 'application/json', { hello: 'world' }]);
    reply = Promise.reject(new Error('boom'));
    (reply as Promise<unknown>).catch(() => {});
    res = await fetch(`${gateway!.url}/v1/files`, { method: 'POST' });
    expect([res.status, await res.json()]).toEqual([500, { message: 'Internal Server Error' }]);
    reply = { statusCode: 200, body: '' };
  });
});

describe('local runtime (in memory)', () => {
  let rt: LocalRuntime | undefined;
  let url = '';

  beforeAll(async () => {
    rt = await startLocalRuntime({ dataDir: ':memory:', port: 0, log: () => {} });
    url = rt.url;
  });
  afterAll(() => rt?.stop());

  it('reports every component on /health', async () => {
    const res = await json(await fetch(`${url}/health`));
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ok');
    expect(Object.keys(res.body.components).sort()).toEqual(['dynamodb', 'pollers', 's3', 'sqs', 'store', 'tiers']);
    for (const [name, c] of Object.entries(res.body.components)) expect((c as { status: string }).status, name).toBe('ok');
    expect(res.body.components.pollers.detail).toMatch(/jobs→importWorker: running/);
  });

  const post = (body: object, lang = 'en') =>
    fetch(`${url}/local/token`, { method: 'POST', headers: { 'content-type': 'application/json', 'accept-language': lang }, body: JSON.stringify(body) });

  it('mints a token for a staff account only once its record exists, with the Cognito claims, signed by the key it publishes', async () => {
    // As Cognito would have no such user: no token for a staff account nobody has set up.
    const refused = await json(await post({ sub: 'zhang', role: 'staff', unit: '330100000000' }));
    expect(refused).toMatchObject({ status: 403, body: { error: { code: 'forbidden', message: expect.stringContaining('not set up') } } });
    // The operator's bootstrap gives the province its first admin, who sets up the rest through the API.
    expect(await cli(['bootstrap', '330000000000', 'e2e-admin', '--operator', 'e2e'])).toBe(0);
    const admin = (await json(await post({ sub: 'e2e-admin', role: 'province-admin', unit: '330000000000' }))).body.token as string;
    const as = { authorization: `Bearer ${admin}`, 'content-type': 'application/json' };
    expect((await fetch(`${url}/v1/units`, { method: 'POST', headers: as, body: JSON.stringify({ code: '330100000000', name: '杭州市' }) })).status).toBe(201);
    const dept = await json(await fetch(`${url}/v1/units/330100000000/departments`, { method: 'POST', headers: as, body: JSON.stringify({ name: '办公室' }) }));
    const bound = await fetch(`${url}/v1/units/330100000000/staff`, {
      method: 'POST',
      headers: as,
      body: JSON.stringify({ sub: 'zhang', name: '张三', role: 'staff', deptId: dept.body.id }),
    });
    expect(bound.status).toBe(201);

    const res = await json(await post({ sub: 'zhang', role: 'staff', unit: '330100000000', dept: dept.body.id }));
    expect(res.status).toBe(200);
    expect(res.body.expiresIn).toBe(3600);
    const claims = decodeJwt(res.body.token);
    expect(claims).toMatchObject({
      sub: 'zhang',
      token_use: 'id',
      'custom:role': 'staff',
      'custom:unit': '330100000000',
      'custom:dept': dept.body.id,
      iss: `${url}/local`,
      aud: 'govtiers-local',
    });
    expect(claims.exp! - claims.iat!).toBe(3600);
    // The handlers' environment points at this issuer, and its JWKS (served over HTTP by the gateway) verifies the token.
    expect(process.env.JWT_ISSUER).toBe(`${url}/local`);
    expect(process.env.JWKS_URL).toBe(`${url}/local/.well-known/jwks.json`);
    const verifier = tokenVerifier({ keys: createRemoteJWKSet(new URL(process.env.JWKS_URL!)), issuer: `${url}/local`, audience: 'govtiers-local' });
    expect(await verifier.verify(res.body.token)).toEqual({ sub: 'zhang', role: 'staff', unit: '330100000000', dept: dept.body.id });
    // Not for another role or unit than the record's; citizens, whose platform record comes later, always.
    expect((await post({ sub: 'zhang', role: 'unit-admin', unit: '330100000000' })).status).toBe(403);
    expect((await post({ sub: 'zhang', role: 'citizen', unit: '330100000000' })).status).toBe(200);
  });

  it('bootstraps idempotently, and refuses a subject already bound to another role', async () => {
    expect(await cli(['bootstrap', '330000000000', 'e2e-admin', '--operator', 'e2e'])).toBe(0);
    const admin = (await json(await post({ sub: 'e2e-admin', role: 'province-admin', unit: '330000000000' }))).body.token as string;
    const auditor = { authorization: `Bearer ${admin}`, 'content-type': 'application/json' };
    const appointed = await fetch(`${url}/v1/units/330000000000/staff`, { method: 'POST', headers: auditor, body: JSON.stringify({ sub: 'e2e-auditor', name: '审计', role: 'auditor' }) });
    expect(appointed.status).toBe(201);
    expect(await cli(['bootstrap', '330000000000', 'e2e-auditor'])).toBe(1);
    expect(await cli(['bootstrap', '330100000000', 'e2e-admin'])).toBe(1);
    const token = (await json(await post({ sub: 'e2e-auditor', role: 'auditor', unit: '330000000000' }))).body.token as string;
    const log = await json(await fetch(`${url}/v1/units/330000000000/audit`, { headers: { authorization: `Bearer ${token}` } }));
    const entries = log.body.items.map((e: { action: string; actor: { sub: string; role: string } }) => [e.action, e.actor.sub, e.actor.role]);
    expect(entries.slice(0, 2)).toEqual([
      ['unit.create', 'operator:e2e', 'operator'],
      ['staff.create', 'operator:e2e', 'operator'],
    ]);
    expect(entries.filter((e: string[]) => e[1] === 'operator:e2e')).toHaveLength(2);
    // Nobody in the platform outranks a province admin: disabling one is the operator's step too.
    expect(await cli(['revoke', '330000000000', 'e2e-admin', '--operator', 'e2e'])).toBe(0);
    expect((await post({ sub: 'e2e-admin', role: 'province-admin', unit: '330000000000' })).status).toBe(403);
    expect((await fetch(`${url}/v1/units/330000000000`, { headers: { authorization: `Bearer ${admin}` } })).status).toBe(403);
    expect(await cli(['bootstrap', '330000000000', 'e2e-admin', '--operator', 'e2e'])).toBe(0);
    expect((await post({ sub: 'e2e-admin', role: 'province-admin', unit: '330000000000' })).status).toBe(200);
  });

  it('answers a bad token request with 400 and field errors in the caller language', async () => {
    const post = (body: string, lang = 'en') =>
      fetch(`${url}/local/token`, { method: 'POST', headers: { 'content-type': 'application/json', 'accept-language': lang }, body });
    const bad = await json(await post(JSON.stringify({ sub: 'x', role: 'emperor', unit: '330100000000' })));
    expect(bad.status).toBe(400);
    expect(bad.type).toMatch(/^application\/json/);
    expect(bad.body.error).toMatchObject({ code: 'validation_failed', message: 'The request has errors in the fields listed' });
    expect(bad.body.error.fields.map((f: { path: string }) => f.path)).toEqual(['body.role']);
    const zh = await json(await post(JSON.stringify({ role: 'staff', unit: '33', extra: 1 }), 'zh-CN'));
    expect(zh.body.error.message).toBe('请求内容有误，请检查标出的字段');
    expect(zh.body.error.fields.map((f: { path: string }) => f.path).sort()).toEqual(['body.extra', 'body.sub', 'body.unit']);
    const notJson = await json(await post('{'));
    expect(notJson).toMatchObject({ status: 400, body: { error: { code: 'invalid_json' } } });
  });

  it('serves the OpenAPI document from the platform function', async () => {
    const res = await json(await fetch(`${url}/v1/openapi.json`));
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^application\/json/);
    expect(res.body.openapi).toBe('3.1.0');
  });

  it('answers unknown routes with the JSON 404 of the $default function', async () => {
    const res = await json(await fetch(`${url}/v1/nothing/here?x=1`, { headers: { 'accept-language': 'en' } }));
    expect(res).toMatchObject({ status: 404, body: { error: { code: 'route_not_found', message: 'No such route' } } });
    // A known path with a method it does not serve is API Gateway's $default too.
    expect((await fetch(`${url}/health`, { method: 'DELETE' })).status).toBe(404);
    // Outside the API, an address no route serves is a page: the portal's 404.
    const page = await fetch(`${url}/units/330000000000/nothing`);
    expect(page.status).toBe(404);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toContain('找不到这个页面');
  });

  it('lets the JWT authorizer stop requests without a valid token before the function', async () => {
    const res = await fetch(`${url}/v1/units/330000000000`, { headers: { authorization: 'Bearer not-a-jwt' } });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ message: 'Unauthorized' });
    const { token } = await rt!.issuer.mint({ sub: 'reader', role: 'citizen', unit: '650000000000' });
    const found = await json(await fetch(`${url}/v1/units/650000000000`, { headers: { authorization: `Bearer ${token}` } }));
    expect(found).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
  });

  it('refuses a body over 10 MB with a JSON 413, without reading it all', async () => {
    const big = Buffer.alloc(11 * 1024 * 1024, 0x20);
    const res = await rawPost(`${url}/v1/units`, big, { 'content-type': 'application/json', 'accept-language': 'en' });
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toEqual({ error: { code: 'payload_too_large', message: 'The request body is too large', fields: [] } });
    // The gateway still serves afterwards.
    expect((await fetch(`${url}/health`)).status).toBe(200);
  });

  it('routes every manifest route to a function (none falls through to $default)', async () => {
    for (const r of ROUTES) {
      const res = await fetch(`${url}${r.path.replace(/\{[^}]+\}/g, '330000000000')}`, { method: r.method, redirect: 'manual' });
      // Pages answer HTML: the gateway's note of the function that served is what tells, unless the JWT
      // authorizer of a matched route refused first (no token here).
      const served = res.headers.get(SERVED_BY_HEADER);
      if (served === null) expect([r.auth, res.status], r.key).toEqual(['jwt', 401]);
      else expect(served, r.key).toBe(r.function);
      await res.arrayBuffer();
    }
  });
});

describe('local runtime (on disk)', () => {
  let dataDir = '';
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'govtiers-runtime-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  // Items are written and read with clients built after each start: a runtime's handlers are warm Lambda instances
  // whose clients keep the endpoints of the first runtime in the process.
  const registry = () => ({ doc: DynamoDBDocumentClient.from(new DynamoDBClient({})), table: process.env[tableEnv('registry')]! });

  it('keeps data and the issuer key across a restart', async () => {
    const first = await startLocalRuntime({ dataDir, port: 0, log: () => {} });
    const port = Number(new URL(first.url).port);
    let token: string;
    try {
      const { doc, table } = registry();
      await doc.send(new PutCommand({ TableName: table, Item: { pk: 'restart#probe', sk: 'probe', n: 1 } }));
      ({ token } = await first.issuer.mint({ sub: 'kept', role: 'auditor', unit: '330000000000' }));
      expect((await stat(join(dataDir, 'issuer-key.json'))).mode & 0o777).toBe(0o600);

      // An operator's shell knows no table names: the command line finds the running runtime through its data folder.
      const tables = { registry: process.env.TABLE_REGISTRY, province: process.env.TABLE_PROVINCE };
      delete process.env.TABLE_REGISTRY;
      delete process.env.TABLE_PROVINCE;
      try {
        expect(await cli(['bootstrap', '330000000000', 'disk-admin', '--data-dir', dataDir])).toBe(0);
      } finally {
        Object.assign(process.env, { TABLE_REGISTRY: tables.registry, TABLE_PROVINCE: tables.province });
      }
      // The issuer (reading this runtime's tables) now knows the admin, and the province unit is there.
      const issued = await fetch(`${first.url}/local/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ sub: 'disk-admin', role: 'province-admin', unit: '330000000000' }),
      });
      expect(issued.status).toBe(200);
      const province = await doc.send(new GetCommand({ TableName: table, Key: { pk: '33#unit', sk: 'unit' } }));
      expect(province.Item).toMatchObject({ code: '330000000000', name: '浙江省', status: 'active' });
    } finally {
      await first.stop();
    }
    // Present only while the runtime runs.
    await expect(stat(join(dataDir, 'runtime.json'))).rejects.toMatchObject({ code: 'ENOENT' });

    // The same port: the issuer URL (the tokens' `iss`) is the gateway's.
    const second = await startLocalRuntime({ dataDir, port, log: () => {} });
    try {
      const { doc, table } = registry();
      const got = await doc.send(new GetCommand({ TableName: table, Key: { pk: 'restart#probe', sk: 'probe' } }));
      expect(got.Item).toEqual({ pk: 'restart#probe', sk: 'probe', n: 1 });
      // A fresh verifier, as a new Lambda instance would have, fetching the keys from the restarted gateway.
      const verifier = tokenVerifier({
        keys: createRemoteJWKSet(new URL(second.issuer.jwksUrl)),
        issuer: second.issuer.issuer,
        audience: second.issuer.audience,
      });
      expect(await verifier.verify(token)).toEqual({ sub: 'kept', role: 'auditor', unit: '330000000000' });
    } finally {
      await second.stop();
    }
  }, 90_000); // two start-ups of DynamoDB Local
});
