import { describe, expect, it } from 'vitest';
import { verifyChain } from '../../shared/audit';
import type { Principal } from '../../shared/roles';
import { loadDivisions } from '../../tenants/divisions';
import { getJob, runImport, startImport } from '../../tenants/imports';
import { getUnit, listChildren } from '../../tenants/units';
import { crashingOn } from '../support/crashing-store';
import { realDeps } from '../support/real-deps';
import { useSharedEmulators } from '../support/shared-emulators';

useSharedEmulators();

const forever = () => 600_000;

describe('imports on DynamoDB, S3 and SQS', () => {
  it('a crash in the middle of an import loses nothing; the rerun finishes it without duplicates', async () => {
    // Hainan (46): 儋州 townships directly under the city, and 省直辖县级行政区划.
    const hainan = (await loadDivisions('chinaTownships')).find((p) => p.code === '460000000000')!;
    const deps = await realDeps();
    const admin: Principal = { sub: 'admin-46', role: 'province-admin', unit: '460000000000' };
    const job = await startImport(deps, admin, '460000000000', hainan);
    await expect(runImport({ ...deps, store: crashingOn(deps.store, 2) }, job.jobId, forever)).rejects.toThrow('simulated crash');
    const midway = await getJob(deps, job.jobId);
    expect(midway.state).toBe('running');

    const afterLease = { ...deps, now: () => new Date(Date.now() + 200_000) };
    expect(await runImport(afterLease, job.jobId, forever)).toBe('finished');
    const done = await getJob(deps, job.jobId);
    expect(done).toMatchObject({ state: 'succeeded', done: done.total, failed: 0 });
    expect(done.created + done.skipped).toBe(done.total);

    expect((await getUnit(deps.store, '460400100000')).parent).toBe('460400000000');
    expect((await getUnit(deps.store, '469001000000')).parent).toBe('469000000000');
    const cities = await listChildren(deps.store, '460000000000', 50);
    expect(cities.items.map((u) => u.name)).toContain('省直辖县级行政区划');
    expect(await verifyChain(deps, '460000000000')).toMatchObject({ ok: true, entries: 2 });
  });
});
