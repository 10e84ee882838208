import { copyFile, mkdir } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIGatewayProxyStructuredResultV2, SQSEvent } from 'aws-lambda';
import { readAuditOp } from '../../functions/audit/api';
import { listDepartmentsOp } from '../../functions/people/api';
import { healthOp } from '../../functions/platform/api';
import { getSettingsOp } from '../../functions/settings/api';
import { createUnitOp, getJobOp, getUnitOp, startImportOp } from '../../functions/units/api';
import { FUNCTIONS } from '../../infra/manifest';
import { routeKey } from '../../shared/http/operation';
import type { Principal } from '../../shared/roles';
import { bootstrapProvince } from '../../tenants/people';
import { seedAccounts } from '../support/accounts';
import { realDeps } from '../support/real-deps';
import { httpEvent, lambdaContext } from '../support/events';
import { useSharedEmulators } from '../support/shared-emulators';
import { shippedBundles } from '../support/shipped-bundles';
import { TEST_AUDIENCE, TEST_ISSUER, testTokens } from '../support/tokens';

/**
 * What ships works: the bundles `cdk synth` stages for upload, loaded as Lambda would load them, answer real
 * requests against the emulators. They resolve the AWS SDK (left out of the bundle, as Lambda's runtime
 * provides it) from this repository's node_modules, so they are copied inside it first.
 */

type Handler = (event: unknown, context: unknown) => Promise<APIGatewayProxyStructuredResultV2 & { batchItemFailures?: unknown[] }>;
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
    const copy = `${bundleDir}${id}.mjs`;
    await copyFile(file, copy);
    handlers.set(id, ((await import(copy)) as { handler: Handler }).handler);
  }
  // The operator's step first: without the province and its admin's record, a token alone gets nowhere.
  const deps = await realDeps();
  await bootstrapProvince(deps, 'operator:test', YUNNAN.code, '云南省', ADMIN.sub);
  await seedAccounts(deps.store, [AUDITOR]);
}, 180_000);

afterAll(() => new Promise<void>((r) => jwksServer?.close(() => r())));

const ADMIN: Principal = { sub: 'bundle-admin', role: 'province-admin', unit: '530000000000' };
const AUDITOR: Principal = { sub: 'bundle-auditor', role: 'auditor', unit: '530000000000' };
const invoke = (fn: string, event: ReturnType<typeof httpEvent> | SQSEvent) => handlers.get(fn)!(event, lambdaContext());
const as = async (p: Principal) => ({ authorization: `Bearer ${await sign(p)}`, 'content-type': 'application/json' });
const YUNNAN = { code: '530000000000' };

describe('the synthesized function bundles against the emulators', () => {
  it('platform answers /health with the store reachable', async () => {
    const res = await invoke('platform', httpEvent({ routeKey: routeKey(healthOp) }));
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body!)).toMatchObject({ status: 'ok', components: { store: { status: 'ok' } } });
  });

  it('every function of the manifest ships a bundle, and each is loaded', () => {
    expect([...handlers.keys()].sort()).toEqual(FUNCTIONS.map((f) => f.id).sort());
  });

  it('units creates and reads a unit with a verified token, and refuses bad input with a 400', async () => {
    const headers = await as(ADMIN);
    const created = await invoke('units', httpEvent({ routeKey: routeKey(createUnitOp), headers, body: JSON.stringify({ code: '530100000000', name: '昆明市' }) }));
    expect(created.statusCode).toBe(201);
    const read = await invoke('units', httpEvent({ routeKey: routeKey(getUnitOp), pathParameters: { code: '530100000000' }, headers }));
    expect(JSON.parse(read.body!)).toMatchObject({ code: '530100000000', name: '昆明市', level: 'city', parent: '530000000000', status: 'active' });
    const bad = await invoke('units', httpEvent({ routeKey: routeKey(createUnitOp), headers, body: '{"code":' }));
    expect(bad.statusCode).toBe(400);
    expect(JSON.parse(bad.body!).error.code).toBe('invalid_json');
  });

  it('units starts an import, the import worker runs it from the jobs queue’s message, and the job reads as done', async () => {
    const headers = await as(ADMIN);
    const tree = { code: '530300000000', name: '曲靖市', level: 'city', children: [{ code: '530302000000', name: '麒麟区', level: 'county' }] };
    const started = await invoke('units', httpEvent({ routeKey: routeKey(startImportOp), pathParameters: YUNNAN, headers, body: JSON.stringify(tree) }));
    expect(started.statusCode).toBe(202);
    const { jobId } = JSON.parse(started.body!) as { jobId: string };
    const message: SQSEvent = {
      Records: [
        {
          messageId: 'm1',
          receiptHandle: 'r1',
          body: JSON.stringify({ kind: 'unit-import', jobId }),
          attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(Date.now()), SenderId: 'x', ApproximateFirstReceiveTimestamp: String(Date.now()) },
          messageAttributes: {},
          md5OfBody: '',
          eventSource: 'aws:sqs',
          eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:jobs',
          awsRegion: 'us-east-1',
        },
      ],
    };
    expect(await invoke('importWorker', message)).toEqual({ batchItemFailures: [] });
    const job = await invoke('units', httpEvent({ routeKey: routeKey(getJobOp), pathParameters: { jobId }, headers }));
    expect(JSON.parse(job.body!)).toMatchObject({ state: 'succeeded', total: 2, failed: 0 });
  });

  it('people, settings and audit answer their reads with a verified token', async () => {
    const admin = await as(ADMIN);
    const departments = await invoke('people', httpEvent({ routeKey: routeKey(listDepartmentsOp), pathParameters: YUNNAN, headers: admin }));
    expect(departments.statusCode).toBe(200);
    const settings = await invoke('settings', httpEvent({ routeKey: routeKey(getSettingsOp), pathParameters: YUNNAN, headers: admin }));
    expect(settings.statusCode).toBe(200);
    const audit = await invoke('audit', httpEvent({ routeKey: routeKey(readAuditOp), pathParameters: YUNNAN, headers: await as(AUDITOR) }));
    expect(audit.statusCode).toBe(200);
    // The operator's bootstrap is on the province's chain.
    expect(JSON.stringify(JSON.parse(audit.body!))).toContain('"action":"unit.create"');
  });
});
