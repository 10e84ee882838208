import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { startLocalRuntime, type LocalRuntime } from '../../infra/local/runtime';
import { entryHash, type AuditEntry } from '../../shared/audit';
import { main as cli } from '../../tenants/cli/main';
import { loadDivisions } from '../../tenants/divisions';
import type { DivisionNode } from '../../tenants/division-tree';
import type { Role } from '../../shared/roles';

/**
 * Provincial admins provisioning through the HTTP API of the local runtime: real gateway, handlers, emulators,
 * queue poller and import worker. Provinces chosen for their anomalies: 北京 (virtual 市辖区), 广东 (townships
 * directly under 东莞 and 中山), 河南 (省直辖县级 济源), 新疆 (自治区直辖县级).
 */

let runtime: LocalRuntime;
let work: string;
const national = await loadDivisions('chinaTownships');
const province = (code: string) => national.find((p) => p.code === code)!;
const count = (n: DivisionNode): number => 1 + (n.children ?? []).reduce((s, c) => s + count(c), 0);

const token = async (role: Role, unit: string, sub = `${role}-${unit}`) => (await runtime.issuer.mint({ sub, role, unit })).token;

async function call(method: string, path: string, opts: { token?: string; body?: string; type?: string; lang?: string } = {}) {
  const res = await fetch(`${runtime.url}${path}`, {
    method,
    headers: {
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
      ...(opts.body !== undefined ? { 'content-type': opts.type ?? 'application/json' } : {}),
      ...(opts.lang ? { 'accept-language': opts.lang } : {}),
    },
    body: opts.body,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** Follows a job to its end; a job that never ends fails the test with its last state rather than hanging it. */
async function untilDone(jobId: string, auth: string, withinMs = 90_000) {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const job = await call('GET', `/v1/jobs/${jobId}`, { token: auth });
    if (job.body.state === 'succeeded' || job.body.state === 'failed') return job.body;
    if (Date.now() > deadline) throw new Error(`job ${jobId} still ${job.body.state} after ${withinMs} ms: ${JSON.stringify(job.body)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const PROVINCES = ['110000000000', '440000000000', '410000000000', '650000000000', '120000000000', '310000000000'];

beforeAll(async () => {
  runtime = await startLocalRuntime({ dataDir: ':memory:', port: 0, log: () => {} });
  work = await mkdtemp(join(tmpdir(), 'govtiers-e2e-'));
  // Each province's first admin is the operator's step; the admin does the rest through the API.
  for (const code of PROVINCES) expect(await cli(['bootstrap', code, `province-admin-${code}`, '--operator', 'e2e'])).toBe(0);
}, 120_000);

afterAll(async () => {
  await runtime?.stop();
  await rm(work, { recursive: true, force: true });
});

/**
 * Each province is imported once per run, by whichever test needs it first; the tests then read the result of that
 * first import, so none depends on another having run before it.
 */
const imports = new Map<string, Promise<{ started: { status: number }; job: any }>>();
function importOnce(code: string) {
  let run = imports.get(code);
  if (!run) {
    run = (async () => {
      const admin = await token('province-admin', code);
      const started = await call('POST', `/v1/units/${code}/imports`, { token: admin, body: JSON.stringify(province(code)) });
      return { started, job: started.status === 202 ? await untilDone(started.body.jobId, admin) : undefined };
    })();
    imports.set(code, run);
  }
  return run;
}

describe('provisioning provinces with their anomalies through the API', () => {
  it.each(['110000000000', '440000000000', '410000000000', '650000000000'])('imports %s completely', async (code) => {
    const admin = await token('province-admin', code);
    const tree = province(code);
    const { started, job } = await importOnce(code);
    expect(started.status).toBe(202);
    // The province unit itself came with the bootstrap.
    expect(job).toMatchObject({ state: 'succeeded', total: count(tree), done: count(tree), failed: 0, created: count(tree) - 1, skipped: 1 });
    const children = await call('GET', `/v1/units/${code}/children?limit=200`, { token: admin });
    expect(children.body.items.map((u: { code: string }) => u.code)).toEqual(tree.children!.map((c) => c.code));
  }, 120_000);

  it('keeps the shape of the anomalies', async () => {
    await Promise.all(['440000000000', '410000000000', '110000000000'].map(importOnce));
    const admin = await token('province-admin', '440000000000');
    const dongguanTownship = await call('GET', '/v1/units/441900003000', { token: admin });
    expect(dongguanTownship.body).toMatchObject({ level: 'township', parent: '441900000000', edition: 2023 });
    const jiyuan = await call('GET', '/v1/units/419001000000', { token: await token('province-admin', '410000000000') });
    expect(jiyuan.body).toMatchObject({ level: 'county', parent: '419000000000' });
    const beijing = await call('GET', '/v1/units/110100000000', { token: await token('citizen', '110101000000') });
    expect(beijing.body).toMatchObject({ name: '市辖区', level: 'city' });
  }, 120_000);

  it('running an import twice changes nothing', async () => {
    await importOnce('110000000000');
    const admin = await token('province-admin', '110000000000');
    const before = await call('GET', '/v1/units/110101001000', { token: admin });
    const again = await call('POST', '/v1/units/110000000000/imports', { token: admin, body: JSON.stringify(province('110000000000')) });
    const job = await untilDone(again.body.jobId, admin);
    expect(job).toMatchObject({ state: 'succeeded', created: 0, skipped: count(province('110000000000')) });
    expect((await call('GET', '/v1/units/110101001000', { token: admin })).body).toEqual(before.body);
  }, 120_000);

  it('answers bad trees with a 4xx naming the node, and writes nothing', async () => {
    const admin = await token('province-admin', '120000000000');
    const tree: DivisionNode = {
      code: '120000000000', name: '天津市', level: 'province', children: [
        { code: '120100000000', name: '市辖区', level: 'city', children: [{ code: '130101000000', name: '错位区', level: 'county' }] },
      ],
    };
    const bad = await call('POST', '/v1/units/120000000000/imports', { token: admin, body: JSON.stringify(tree), lang: 'en' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields).toEqual([{ path: 'body.children.0.children.0.code', message: expect.stringContaining('130101000000') }]);
    const zh = await call('POST', '/v1/units/120000000000/imports', { token: admin, body: JSON.stringify(tree) });
    expect(zh.body.error.fields[0].message).toContain('不属于上级 120100000000');
    expect((await call('GET', '/v1/units/120100000000', { token: admin })).status).toBe(404);

    const dupe = { ...tree, children: [{ code: '120100000000', name: 'a', level: 'city' }, { code: '120100000000', name: 'b', level: 'city' }] };
    expect((await call('POST', '/v1/units/120000000000/imports', { token: admin, body: JSON.stringify(dupe) })).body.error.fields[0].path).toBe('body.children.1.code');
    expect((await call('POST', '/v1/units/120000000000/imports', { token: admin, body: 'code,name\n120000000000,天津市' })).status).toBe(400);
    expect((await call('POST', '/v1/units/120000000000/imports', { token: admin, body: '<tree/>', type: 'text/xml' })).status).toBe(415);
    expect((await call('POST', '/v1/units/120000000000/imports', { token: admin, body: JSON.stringify({ code: '120000000000' }) })).status).toBe(400);
    const huge = await call('POST', '/v1/units/120000000000/imports', { token: admin, body: JSON.stringify({ pad: 'x'.repeat(50 * 1024 * 1024) }) });
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('payload_too_large');
    expect((await call('GET', '/v1/units/120100000000', { token: admin })).status).toBe(404);
    expect((await call('GET', '/v1/units/120000000000/children', { token: admin })).body.items).toEqual([]);
  });

  it('of two concurrent renames one wins and the other gets 409', async () => {
    await importOnce('650000000000');
    const admin = await token('province-admin', '650000000000');
    const unit = await call('GET', '/v1/units/650100000000', { token: admin });
    const rename = (name: string) =>
      call('PATCH', '/v1/units/650100000000', { token: admin, body: JSON.stringify({ name, v: unit.body.v }) });
    const results = await Promise.all([rename('乌鲁木齐市A'), rename('乌鲁木齐市B')]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
  });

  it('the CLI imports a file with progress, and verifies the audit chain, naming an altered entry', async () => {
    const file = join(work, 'shanghai.json.gz');
    await writeFile(file, gzipSync(JSON.stringify(province('310000000000'))));
    const admin = await token('province-admin', '310000000000');
    expect(await cli(['import', file, '--url', runtime.url, '--token', admin])).toBe(0);
    const appointed = await call('POST', '/v1/units/310000000000/staff', { token: admin, body: JSON.stringify({ sub: 'auditor-310000000000', name: '审计员', role: 'auditor' }) });
    expect(appointed.status).toBe(201);
    const auditor = await token('auditor', '310000000000');
    const verify = async (as: string) => {
      const out = vi.spyOn(console, 'log').mockImplementation(() => {});
      try {
        return { code: await cli(['audit', 'verify', '310000000000', '--url', runtime.url, '--token', as]), said: out.mock.calls.join('\n') };
      } finally {
        out.mockRestore();
      }
    };
    // The operator's bootstrap (the unit, its admin), the import's start and end, and the auditor's appointment.
    expect(await verify(auditor)).toEqual({ code: 0, said: expect.stringContaining('chain intact: 5 entries') });

    // The last entry (the auditor's appointment) edited behind the platform's back, with its hash recomputed and the
    // head moved along: the MAC, which only the platform can make, no longer matches, and the CLI names that entry.
    const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));
    const table = process.env.TABLE_PROVINCE;
    const key = { pk: '31#audit', sk: 'e#000000000005' };
    const { hash: _hash, pk: _pk, sk: _sk, mac, ...body } = (await doc.send(new GetCommand({ TableName: table, Key: key }))).Item!;
    const forged = { ...body, action: 'staff.update' } as Omit<AuditEntry, 'hash' | 'mac'>;
    await doc.send(new PutCommand({ TableName: table, Item: { ...key, ...forged, hash: entryHash(forged), mac } }));
    const head = (await doc.send(new GetCommand({ TableName: table, Key: { pk: '31#audit', sk: 'head' } }))).Item!;
    await doc.send(new PutCommand({ TableName: table, Item: { ...head, hash: entryHash(forged) } }));
    expect(await verify(auditor)).toEqual({ code: 2, said: expect.stringContaining('entry 5 被篡改 / altered (4 entries before it are intact)') });
    expect((await verify(admin)).code).toBe(1);
  }, 120_000);
});
