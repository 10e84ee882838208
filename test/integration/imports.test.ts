import { describe, expect, it } from 'vitest';
import { verifyChain } from '../../shared/audit';
import type { Principal } from '../../shared/roles';
import { createDynamoStore, tableNameFromEnv } from '../../shared/store/dynamo-store';
import { planImport } from '../../tenants/division-tree';
import { loadDivisions } from '../../tenants/divisions';
import { getJob, runImport, startImport } from '../../tenants/imports';
import { getUnit, listChildren } from '../../tenants/units';
import { crashingOn } from '../support/crashing-store';
import { conflictingClient, seeded } from '../support/injected-conflicts';
import { realDeps } from '../support/real-deps';
import { useSharedEmulators } from '../support/shared-emulators';
import { expectPlanStored } from '../support/stored-plan';

useSharedEmulators();

const forever = () => 600_000;
const province = async (code: string) => (await loadDivisions('chinaTownships')).find((p) => p.code === code)!;

describe('imports on DynamoDB, S3 and SQS', () => {
  it('a crash after a chunk has landed loses nothing; the rerun stores exactly the plan', async () => {
    // Hainan (46): 儋州 townships directly under the city, and 省直辖县级行政区划.
    const hainan = await province('460000000000');
    const deps = await realDeps();
    const admin: Principal = { sub: 'admin-46', role: 'province-admin', unit: '460000000000' };
    const job = await startImport(deps, admin, '460000000000', hainan);
    // The second chunk's transaction is written, then the process dies before the job records it.
    const crashing = crashingOn(deps.store, 2, 'after');
    await expect(runImport({ ...deps, store: crashing.store }, job.jobId, forever)).rejects.toThrow('simulated crash after');
    await crashing.settled();
    const midway = await getJob(deps, job.jobId);
    expect(midway.state).toBe('running');
    expect(midway.created).toBe(0);

    const afterLease = { ...deps, now: () => new Date(Date.now() + 200_000) };
    expect(await runImport(afterLease, job.jobId, forever)).toBe('finished');
    const done = await getJob(deps, job.jobId);
    expect(done).toMatchObject({ state: 'succeeded', done: done.total, failed: 0 });
    // The chunks that landed before the crash were found there, not written again.
    expect(done.skipped).toBeGreaterThanOrEqual(100);
    await expectPlanStored(deps.store, planImport(hainan, '460000000000').plan);

    expect((await getUnit(deps.store, '460400100000')).parent).toBe('460400000000');
    expect((await getUnit(deps.store, '469001000000')).parent).toBe('469000000000');
    const cities = await listChildren(deps.store, '460000000000', 50);
    expect(cities.items.map((u) => u.name)).toContain('省直辖县级行政区划');
    expect(await verifyChain(deps, '460000000000')).toMatchObject({ ok: true, entries: 2 });
  });

  it('an import completes exactly while DynamoDB rejects 30 % of its writes as conflicts', async () => {
    // Gansu (62): some 1,450 units, four waves, so the job's lease is saved several times under conflicts too.
    const gansu = await province('620000000000');
    // Seeded: the writes draw their faults in a fixed order, so every run meets the same ones.
    const faults = conflictingClient(0.3, seeded(62));
    const deps = { ...(await realDeps()), store: await createDynamoStore(tableNameFromEnv, faults.client) };
    const admin: Principal = { sub: 'admin-62', role: 'province-admin', unit: '620000000000' };
    const job = await startImport(deps, admin, '620000000000', gansu);
    expect(await runImport(deps, job.jobId, forever)).toBe('finished');
    const plan = planImport(gansu, '620000000000').plan;
    expect(await getJob(deps, job.jobId)).toMatchObject({ state: 'succeeded', total: plan.length, done: plan.length, created: plan.length, skipped: 0, failed: 0 });
    await expectPlanStored(deps.store, plan);
    expect(await verifyChain(deps, '620000000000')).toMatchObject({ ok: true, entries: 2 });
    // Conflicts did hit both kinds of write: the chunks' transactions and the job's own saves.
    const injected = (command: string) => faults.writes.filter((w) => w.command === command && w.injected).length;
    expect(injected('TransactWriteItemsCommand')).toBeGreaterThan(0);
    expect(injected('PutItemCommand')).toBeGreaterThan(0);
  });
});
