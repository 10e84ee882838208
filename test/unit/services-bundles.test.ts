import { describe, expect, it } from 'vitest';
import { defineBundleOp, defineItemOp, getBundleOp, getSubmissionOp, myApplicationsOp, submitBundleOp } from '../../functions/services/api';
import { submitBundle } from '../../functions/services/bundles';
import { prefixOf } from '../../shared/codes';
import { crashingOn } from '../support/crashing-store';
import { applicant, dept, form, ITEM, itemInput, step, U, withItem } from '../support/services-world';

const INSURANCE = '330106-CS-200';

/** The county's bundle 出生一件事: the province's birth item (department a) and the county's own insurance item (b). */
async function withBundle() {
  const w = await withItem();
  const own = await w.api(defineItemOp, {
    params: { code: U.county },
    body: itemInput(INSURANCE, {
      name: '新生儿城乡居民医保参保登记',
      deptId: dept(U.county, 'b'),
      lifeEvents: ['birth', 'medical'],
      form: [
        { name: 'applicantName', label: '申请人姓名', type: 'text', required: true, max: 50 },
        { name: 'babyName', label: '新生儿姓名', type: 'text', required: true, max: 50 },
        { name: 'payer', label: '缴费方式', type: 'choice', required: true, options: ['银行代扣', '自行缴纳'] },
      ],
    }),
    token: w.token(`admin@${U.county}`),
  });
  expect(own.status, JSON.stringify(own.body)).toBe(201);
  const b = await w.api(defineBundleOp, {
    params: { code: U.county },
    body: { id: 'birth', name: '出生一件事', description: '出生医学证明、医保参保一次办', items: [{ definer: U.province, item: ITEM }, { definer: U.county, item: INSURANCE }] },
    token: w.token(`admin@${U.county}`),
  });
  expect(b.status, JSON.stringify(b.body)).toBe(201);
  return w;
}

const combined = { ...form, payer: '银行代扣' };

describe('一件事一次办 bundles', () => {
  it('asks shared fields once, creates one case per department in one submission, and tracks them together to done', async () => {
    const w = await withBundle();
    const g = await w.api(getBundleOp, { params: { code: U.county, bundle: 'birth' } });
    expect(g.status).toBe(200);
    expect(g.body.form.map((f: { name: string }) => f.name)).toEqual(['applicantName', 'babyName', 'birthDate', 'hospital', 'payer']);
    expect(g.body.items.map((i: { deptId: string }) => i.deptId)).toEqual([dept(U.county), dept(U.county, 'b')]);

    const s = await w.api(submitBundleOp, { params: { code: U.county, bundle: 'birth' }, body: { form: combined, applicant }, token: w.token('citizen') });
    expect(s.status, JSON.stringify(s.body)).toBe(201);
    expect(s.body.done).toBe(false);
    expect(s.body.cases.map((c: { dept: string; status: string }) => [c.dept, c.status])).toEqual([
      [dept(U.county), 'submitted'],
      [dept(U.county, 'b')  , 'submitted'],
    ]);
    const [birth, insurance] = s.body.cases as { id: string }[];
    const mine = await w.api(myApplicationsOp, { token: w.token('citizen') });
    expect(mine.body.items).toHaveLength(2);

    for (const a of ['accept', 'review', 'approve', 'complete']) expect((await step(w, birth!.id, a)).status).toBe(200);
    const half = await w.api(getSubmissionOp, { params: { code: U.county, id: s.body.id }, token: w.token('citizen') });
    expect(half.body.done).toBe(false);
    expect((await step(w, insurance!.id, 'reject', {}, U.county, `clerkB@${U.county}`)).status).toBe(200);
    const all = await w.api(getSubmissionOp, { params: { code: U.county, id: s.body.id }, token: w.token(`clerk@${U.county}`) });
    expect(all.body).toMatchObject({ done: true, name: '出生一件事' });
    expect((await w.api(getSubmissionOp, { params: { code: U.county, id: s.body.id }, token: w.token('citizen2') })).status).toBe(404);
  });

  it('refuses a combined form that misses a field of any item, and a bundle whose forms disagree, writing nothing', async () => {
    const w = await withBundle();
    const before = w.snapshot();
    const { payer: _p, ...short } = combined;
    const r = await w.api(submitBundleOp, { params: { code: U.county, bundle: 'birth' }, body: { form: short, applicant }, token: w.token('citizen') });
    expect(r.status).toBe(400);
    expect(r.body.error.fields).toEqual([{ path: 'body.form.payer', message: '此项必填' }]);
    const clash = await w.api(defineItemOp, {
      params: { code: U.county },
      body: itemInput('330106-CS-201', { deptId: dept(U.county, 'b'), form: [{ name: 'babyName', label: '新生儿', type: 'date', required: true }] }),
      token: w.token(`admin@${U.county}`),
    });
    expect(clash.status).toBe(201);
    const mid = w.snapshot();
    const bad = await w.api(defineBundleOp, {
      params: { code: U.county },
      body: { id: 'clash', name: '冲突', description: '字段类型不一致', items: [{ definer: U.province, item: ITEM }, { definer: U.county, item: '330106-CS-201' }] },
      token: w.token(`admin@${U.county}`),
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields[0].message).toContain('babyName');
    expect(w.snapshot()).toBe(mid);
    expect(before).not.toBe(mid);
  });

  for (const when of ['before', 'after'] as const) {
    it(`a crash ${when} the submission's write leaves every case or none`, async () => {
      const w = await withBundle();
      const crash = crashingOn(w.store, 1, when);
      const deps = { ...w.deps, store: crash.store };
      await expect(submitBundle(deps, w.people.citizen!, U.county, 'birth', { form: combined, applicant })).rejects.toThrow(/simulated crash/);
      await crash.settled();
      const cases = await w.store.query({ table: 'county', pk: `${prefixOf(U.county)}#case`, limit: 100 });
      const subs = await w.store.query({ table: 'county', pk: `${prefixOf(U.county)}#svc-bundle-sub`, limit: 100 });
      const work = await w.store.query({ table: 'county', pk: `${prefixOf(U.county)}#svc-ref`, limit: 100 });
      expect([cases.items.length, subs.items.length, work.items.length]).toEqual(when === 'before' ? [0, 0, 0] : [2, 1, 2]);
    });
  }
});
