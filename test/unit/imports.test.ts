import { describe, expect, it } from 'vitest';
import { verifyChain, readAudit } from '../../shared/audit';
import type { Principal } from '../../shared/roles';
import { planImport, type DivisionNode } from '../../tenants/division-tree';
import { getJob, runImport, startImport } from '../../tenants/imports';
import { loadDivisions } from '../../tenants/divisions';
import { getUnit } from '../../tenants/units';
import { crashingOn } from '../support/crashing-store';
import { memoryDeps } from '../support/memory-deps';
import { expectPlanStored } from '../support/stored-plan';

const admin: Principal = { sub: 'admin-33', role: 'province-admin', unit: '330000000000' };
const tree: DivisionNode = {
  code: '330000000000', name: '浙江省', level: 'province', children: [
    { code: '330100000000', name: '杭州市', level: 'city', children: [
      { code: '330102000000', name: '上城区', level: 'county', children: [
        { code: '330102001000', name: '清波街道', level: 'township', children: [
          { code: '330102001051', name: '清波门社区', level: 'village' },
        ] },
      ] },
    ] },
  ],
};

const forever = () => 600_000;

describe('division tree checks', () => {
  it('orders parents before children', () => {
    const { plan, problems } = planImport(tree, '330000000000');
    expect(problems).toEqual([]);
    expect(plan.map((p) => [p.code, p.parent])).toEqual([
      ['330000000000', undefined], ['330100000000', '330000000000'], ['330102000000', '330100000000'],
      ['330102001000', '330102000000'], ['330102001051', '330102001000'],
    ]);
  });

  it('names every offending node: bad code, wrong level, wrong parent, duplicate, outside the target', () => {
    const bad: DivisionNode[] = [
      { code: '330100000000', name: '杭州市', level: 'county', children: [
        { code: '3301020', name: '短码', level: 'county' },
        { code: '330200001000', name: '别处街道', level: 'township' },
        { code: '330102000000', name: '上城区', level: 'county' },
        { code: '330102000000', name: '上城区', level: 'county' },
      ] },
      { code: '340100000000', name: '合肥市', level: 'city' },
    ];
    const { problems } = planImport(bad, '330000000000');
    const byPath = Object.fromEntries(problems.map((p) => [p.path, typeof p.message === 'string' ? p.message : p.message.en]));
    expect(Object.keys(byPath).sort()).toEqual([
      'body.0.children.0.code', 'body.0.children.1.code', 'body.0.children.3.code', 'body.0.level', 'body.1.code',
    ]);
    expect(byPath['body.0.children.1.code']).toContain('330200001000');
    expect(byPath['body.0.children.3.code']).toContain('more than once');
    expect(byPath['body.1.code']).toContain('not within');
  });

  it('accepts every province of the national tree with its anomalies', async () => {
    const provinces = await loadDivisions('chinaTownships');
    let units = 0;
    for (const p of provinces) {
      const { plan, problems } = planImport(p, p.code);
      expect(problems, p.name).toEqual([]);
      units += plan.length;
    }
    expect(units).toBe(44_699);
  });
});

describe('import jobs', () => {
  it('imports a tree, creating the province itself, and audits start and finish', async () => {
    const { deps, sent } = memoryDeps();
    const job = await startImport(deps, admin, '330000000000', tree);
    expect(job).toMatchObject({ state: 'queued', total: 5, done: 0 });
    expect(sent).toEqual([{ queue: 'jobs', body: { kind: 'unit-import', jobId: job.jobId } }]);
    expect(await runImport(deps, job.jobId, forever)).toBe('finished');
    expect(await getJob(deps, job.jobId)).toMatchObject({ state: 'succeeded', total: 5, done: 5, created: 5, failed: 0 });
    expect((await getUnit(deps.store, '330102001051')).parent).toBe('330102001000');
    const audit = await readAudit(deps.store, '330000000000', 10);
    expect(audit.items.map((e) => e.action)).toEqual(['units.import.start', 'units.import.finish']);
    expect(await verifyChain(deps, '330000000000')).toMatchObject({ ok: true });
  });

  it('running the same import twice changes nothing', async () => {
    const { deps } = memoryDeps();
    await runImport(deps, (await startImport(deps, admin, '330000000000', tree)).jobId, forever);
    const before = await getUnit(deps.store, '330102000000');
    const again = await startImport(deps, admin, '330000000000', tree);
    await runImport(deps, again.jobId, forever);
    expect(await getJob(deps, again.jobId)).toMatchObject({ state: 'succeeded', created: 0, skipped: 5 });
    expect(await getUnit(deps.store, '330102000000')).toEqual(before);
  });

  for (const when of ['before', 'after'] as const) {
    it(`a crash ${when} a chunk's write loses nothing, and the rerun stores exactly the plan`, async () => {
      const zhejiang = await loadDivisions('zhejiang');
      const { deps } = memoryDeps();
      const job = await startImport(deps, admin, '330000000000', zhejiang);
      const crashing = crashingOn(deps.store, 30, when);
      await expect(runImport({ ...deps, store: crashing.store }, job.jobId, forever)).rejects.toThrow(`simulated crash ${when}`);
      await crashing.settled();
      const midway = await getJob(deps, job.jobId);
      expect(midway.state).toBe('running');
      expect(midway.done).toBeGreaterThan(0);
      expect(midway.done).toBeLessThan(27_036);
      // The message comes back after the lease has run out.
      const later = { ...deps, now: () => new Date(deps.now().getTime() + 200_000) };
      expect(await runImport(later, job.jobId, forever)).toBe('finished');
      expect(await getJob(later, job.jobId)).toMatchObject({ state: 'succeeded', total: 27_036, done: 27_036, failed: 0 });
      await expectPlanStored(deps.store, planImport(zhejiang, '330000000000').plan);
    });
  }

  it('a duplicated message does not run a job twice at once', async () => {
    const { deps, sent } = memoryDeps();
    const job = await startImport(deps, admin, '330000000000', tree);
    const [a, b] = await Promise.all([runImport(deps, job.jobId, forever), runImport(deps, job.jobId, forever)]);
    expect([a, b].sort()).toEqual(['busy', 'finished']);
    // The one that found the job busy looks again later, in case the lease holder died.
    expect(sent.at(-1)).toMatchObject({ queue: 'jobs', opts: { delaySeconds: expect.any(Number) } });
    expect(await getJob(deps, job.jobId)).toMatchObject({ created: 5, skipped: 0 });
  });

  it('continues in a new invocation when time runs low', async () => {
    const { deps, sent } = memoryDeps();
    const job = await startImport(deps, admin, '330000000000', tree);
    expect(await runImport(deps, job.jobId, () => 5_000)).toBe('continued');
    expect(sent).toHaveLength(2);
    expect(await runImport(deps, job.jobId, forever)).toBe('finished');
  });
});
