import { describe, expect, it } from 'vitest';
import { adoptItemOp, browseOp, changeItemOp, defineItemOp, getAdoptionOp, guideOp, markSeenOp } from '../../functions/services/api';
import { counted, dept, itemInput, servicesWorld, U, type ServicesWorld } from '../support/services-world';

const define = (w: ServicesWorld, unit: string, body: unknown, who = `admin@${unit}`) =>
  w.api(defineItemOp, { params: { code: unit }, body, token: w.token(who) });
const adopt = (w: ServicesWorld, unit: string, definer: string, item: string, body: Record<string, unknown>, v = 0) =>
  w.api(adoptItemOp, { params: { code: unit, definer, item }, body: { v, deptId: dept(unit), address: '便民服务中心一楼', hours: '工作日 9:00-17:00', ...body }, token: w.token(`admin@${unit}`) });

describe('the services catalogue', () => {
  it('an item defined at the province is adopted below with local details and a shorter promise, and the adopter sees what changed', async () => {
    const w = await servicesWorld();
    const r = await define(w, U.province, itemInput('330000-CS-001'));
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ unit: U.province, rev: 1, v: 1 });

    const a = await adopt(w, U.county, U.province, '330000-CS-001', { promisedDays: 3 });
    expect(a.status, JSON.stringify(a.body)).toBe(200);
    expect(a.body).toMatchObject({ seenRev: 1, promisedDays: 3, deptId: dept(U.county) });

    const changed = await w.api(changeItemOp, {
      params: { code: U.province, item: '330000-CS-001' },
      body: { ...itemInput('x', { fee: '免费', conditions: '在本省出生的新生儿' }), code: undefined, v: 1 },
      token: w.token(`admin@${U.province}`),
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    const seen = await w.api(getAdoptionOp, { params: { code: U.county, definer: U.province, item: '330000-CS-001' }, token: w.token(`admin@${U.county}`) });
    expect(seen.body.item.fee).toBe('免费');
    expect(seen.body.unseen).toEqual([expect.objectContaining({ rev: 2, changed: ['conditions', 'fee'] })]);
    const ack = await w.api(markSeenOp, { params: { code: U.county, definer: U.province, item: '330000-CS-001' }, body: { rev: 2 }, token: w.token(`admin@${U.county}`) });
    expect(ack.status).toBe(200);
    const after = await w.api(getAdoptionOp, { params: { code: U.county, definer: U.province, item: '330000-CS-001' }, token: w.token(`admin@${U.county}`) });
    expect(after.body.unseen).toEqual([]);

    // The guide at a village below the county: the province's content, done at the county with its promise.
    const g = await w.api(guideOp, { params: { code: U.village, definer: U.province, item: '330000-CS-001' } });
    expect(g.status, JSON.stringify(g.body)).toBe(200);
    expect(g.body).toMatchObject({ fee: '免费', statutoryDays: 20, offer: { at: U.county, promisedDays: 3, department: '行政审批科', address: '便民服务中心一楼' } });
    expect(g.body.deptId).toBeUndefined();
  });

  it('refuses a promise above the statutory limit, a local promise above the definer’s, and a malformed form, writing nothing', async () => {
    const w = await servicesWorld();
    const before = w.snapshot();
    const over = await define(w, U.province, itemInput('330000-CS-002', { promisedDays: 30 }));
    expect(over.status).toBe(400);
    expect(over.body.error.fields).toEqual([{ path: 'body.promisedDays', message: '承诺办结时限（30 个工作日）不能超过法定办结时限（20 个工作日）' }]);
    const form = await define(w, U.province, itemInput('330000-CS-002', { form: [{ name: 'a', label: 'A', type: 'choice', required: true }] }));
    expect(form.status).toBe(400);
    expect(form.body.error.fields[0].path).toBe('body.form.0.options');
    expect(w.snapshot()).toBe(before);

    expect((await define(w, U.province, itemInput('330000-CS-002'))).status).toBe(201);
    const mid = w.snapshot();
    const local = await adopt(w, U.county, U.province, '330000-CS-002', { promisedDays: 6 });
    expect(local.status).toBe(400);
    expect(local.body.error.fields[0].path).toBe('body.promisedDays');
    expect((await adopt(w, U.county, U.county, '330000-CS-002', {})).status).toBe(400);
    // Only a unit's own admins define in its name.
    expect((await define(w, U.county, itemInput('330000-CS-003'), `admin@${U.province}`)).status).toBe(403);
    expect(w.snapshot()).toBe(mid);
  });

  it('browses by life event and business stage with what the ancestors offer, and finds items by words', async () => {
    const w = await servicesWorld();
    expect((await define(w, U.province, itemInput('330000-CS-010'))).status).toBe(201);
    expect((await define(w, U.province, itemInput('330000-CS-011', { name: '个体工商户设立登记', lifeEvents: [], businessStages: ['start'], competentDepartment: '省市场监督管理局' }))).status).toBe(201);
    expect((await define(w, U.county, itemInput('330106-CS-001', { name: '新生儿医保参保登记', deptId: dept(U.county), lifeEvents: ['birth', 'medical'] }))).status).toBe(201);
    expect((await adopt(w, U.township, U.province, '330000-CS-010', {})).status).toBe(200);

    const birth = await w.api(browseOp, { params: { code: U.village }, query: { life: 'birth' } });
    expect(birth.status, JSON.stringify(birth.body)).toBe(200);
    expect(birth.body.items.map((i: { code: string; offer: { at: string } }) => [i.code, i.offer.at])).toEqual([
      ['330000-CS-010', U.township],
      ['330106-CS-001', U.county],
    ]);
    const biz = await w.api(browseOp, { params: { code: U.village }, query: { biz: 'start' } });
    expect(biz.body.items.map((i: { code: string }) => i.code)).toEqual(['330000-CS-011']);
    // A sibling county sees the province's item done at the province, and not the other county's.
    const other = await w.api(browseOp, { params: { code: U.otherVillage }, query: { life: 'birth' } });
    expect(other.body.items.map((i: { code: string; offer: { at: string } }) => [i.code, i.offer.at])).toEqual([['330000-CS-010', U.province]]);

    const words = await w.api(browseOp, { params: { code: U.village }, query: { q: '新生儿 医保' } });
    expect(words.body.items.map((i: { code: string }) => i.code)).toEqual(['330106-CS-001']);
    const shop = await w.api(browseOp, { params: { code: U.village }, query: { q: '工商户' } });
    expect(shop.body.items.map((i: { code: string }) => i.code)).toEqual(['330000-CS-011']);
    // The labels of life events are words too.
    const born = await w.api(browseOp, { params: { code: U.village }, query: { q: '出生' } });
    expect(born.body.items.map((i: { code: string }) => i.code)).toEqual(['330000-CS-010', '330106-CS-001']);
  });

  it('pages a village’s catalogue by life event with the same requests per page however many units adopt the items', async () => {
    const w = await servicesWorld();
    for (let i = 0; i < 7; i++) expect((await define(w, U.province, itemInput(`330000-CS-1${i}`))).status).toBe(201);
    const perPage = async () => {
      const { store, n } = counted(w.store);
      const { browse } = await import('../../functions/services/catalog');
      const codes: string[] = [];
      const counts: number[] = [];
      let cursor: string | undefined;
      do {
        const before = n.requests;
        const page = await browse(store, U.village, { life: 'birth' }, 3, cursor);
        counts.push(n.requests - before);
        codes.push(...page.items.map((x) => x.code));
        cursor = page.cursor;
      } while (cursor);
      return { codes, counts };
    };
    const few = await perPage();
    expect(few.codes).toHaveLength(7);
    for (const unit of [U.city, U.county, U.otherCounty, U.township, U.otherTownship, U.village2, U.village3, U.otherVillage]) {
      for (let i = 0; i < 7; i++) expect((await adopt(w, unit, U.province, `330000-CS-1${i}`, {})).status).toBe(200);
    }
    const many = await perPage();
    expect(many.codes).toEqual(few.codes);
    expect(many.counts).toEqual(few.counts);
    expect(Math.max(...many.counts)).toBeLessThanOrEqual(10);
  });
});
