import { copyFile, mkdir } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createUnitOp, getUnitOp } from '../../functions/units/api';
import { healthOp } from '../../functions/platform/api';
import { routeKey } from '../../shared/http/operation';
import { createDynamoStore } from '../../shared/store/dynamo-store';
import { bootstrapProvince } from '../../tenants/people';
import { httpEvent, lambdaContext } from '../support/events';
import { useSharedEmulators } from '../support/shared-emulators';
import { shippedBundles } from '../support/shipped-bundles';
import { TEST_AUDIENCE, TEST_ISSUER, testTokens } from '../support/tokens';

/**
 * What ships works: the bundles `cdk synth` stages for upload, loaded as Lambda would load them, answer real
 * requests against the emulators. They resolve the AWS SDK (left out of the bundle, as Lambda's runtime
 * provides it) from this repository's node_modules, so they are copied inside it first.
 */

type Handler = (event: unknown, context: unknown) => Promise<APIGatewayProxyStructuredResultV2>;
const bundleDir = fileURLToPath(new URL('../../.cache/shipped-bundles/', import.meta.url));
const handlers = new Map<string, Handler>();
let jwksServer: http.Server;
let sign: Awaited<ReturnType<typeof testTokens>>['sign'];

beforeAll(async () => {
  useSharedEmulators();
  const tokens = await testTokens();
  sign = tokens.sign;
  jwksServer = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(tokens.jwks)));
  await new Promise<void>((r) => jwksServer.listen(0, '127.0.0.1', r));
  Object.assign(process.env, {
    JWT_ISSUER: TEST_ISSUER,
    JWT_AUDIENCE: TEST_AUDIENCE,
    JWKS_URL: `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks.json`,
  });
  await mkdir(bundleDir, { recursive: true });
  for (const [id, file] of shippedBundles()) {
    if (id !== 'units' && id !== 'platform') continue;
    const copy = `${bundleDir}${id}.mjs`;
    await copyFile(file, copy);
    handlers.set(id, ((await import(copy)) as { handler: Handler }).handler);
  }
}, 180_000);

afterAll(() => new Promise<void>((r) => jwksServer?.close(() => r())));

const invoke = (fn: string, event: ReturnType<typeof httpEvent>) => handlers.get(fn)!(event, lambdaContext());

describe('the synthesized function bundles against the emulators', () => {
  it('platform answers /health with the store reachable', async () => {
    const res = await invoke('platform', httpEvent({ routeKey: routeKey(healthOp) }));
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body!)).toMatchObject({ status: 'ok', components: { store: { status: 'ok' } } });
  });

  it('units creates and reads a unit with a verified token, and refuses bad input with a 400', async () => {
    // The operator's step first: without the province and its admin's record, the token alone gets nowhere.
    await bootstrapProvince({ store: await createDynamoStore(), now: () => new Date() }, 'operator:test', '530000000000', '云南省', 'bundle-admin');
    const token = await sign({ sub: 'bundle-admin', role: 'province-admin', unit: '530000000000' });
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const created = await invoke('units', httpEvent({ routeKey: routeKey(createUnitOp), headers, body: JSON.stringify({ code: '530100000000', name: '昆明市' }) }));
    expect(created.statusCode).toBe(201);
    const read = await invoke('units', httpEvent({ routeKey: routeKey(getUnitOp), pathParameters: { code: '530100000000' }, headers }));
    expect(JSON.parse(read.body!)).toMatchObject({ code: '530100000000', name: '昆明市', level: 'city', parent: '530000000000', status: 'active' });
    const bad = await invoke('units', httpEvent({ routeKey: routeKey(createUnitOp), headers, body: '{"code":' }));
    expect(bad.statusCode).toBe(400);
    expect(JSON.parse(bad.body!).error.code).toBe('invalid_json');
  });
});
